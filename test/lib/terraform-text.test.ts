import { terraformAttributeText, terraformFunctionArgument } from '../../lib/terraform-text';

// How CDKTF renders an unresolved token inside a string.
const token = ['$', '{TfToken[TOKEN.42]}'].join('');

describe('Terraform text escaping', () => {
  test('GIVEN template sequences in a plain attribute WHEN escaped THEN they become literals and tokens stay references', () => {
    expect(terraformAttributeText(`a \${x} %{y} "q" \\ ${token}`)).toBe(`a $\${x} %%{y} "q" \\ ${token}`);
  });

  test('GIVEN a function argument WHEN escaped THEN quotes, backslashes and %{ are escaped (CDKTF handles ${)', () => {
    expect(terraformFunctionArgument(`a"b\\c \${x} %{y} ${token}"`)).toBe(`a\\"b\\\\c \${x} %%{y} ${token}\\"`);
  });
});
