import { droppedNames, terraformAttributeText, terraformFunctionArgument } from '../../lib/terraform-text';

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

describe('droppedNames', () => {
  test('GIVEN a list, a pattern and the kept names WHEN rendered THEN the names matched and not kept are the set difference', () => {
    expect(droppedNames('self.resources', '^pg-a(-s[0-9]+)?$', ['pg-a', 'pg-a-s1'])).toBe(
      'setsubtract([for i in self.resources : i.name if can(regex("^pg-a(-s[0-9]+)?$", i.name))], ["pg-a","pg-a-s1"])',
    );
  });
});
