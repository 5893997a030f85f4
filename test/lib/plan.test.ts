import { mergeInOrder } from '../../lib/plan';

/*
 * Row order of the cost table: every cloud's lines in its own order, an item only one cloud has
 * placed right after the line it follows there.
 */
describe('mergeInOrder', () => {
  it('GIVEN GCP with a listed Spot line where the others have the upper bound WHEN merged THEN it sits before the boot disks', () => {
    const aws = ['compute (on-demand)', 'compute (Spot, at on-demand price: upper bound)', 'boot disks'];
    const gcp = ['compute (on-demand)', 'compute (Spot)', 'boot disks'];
    expect(mergeInOrder([aws, gcp, aws])).toEqual([
      'compute (on-demand)',
      'compute (Spot, at on-demand price: upper bound)',
      'compute (Spot)',
      'boot disks',
    ]);
  });

  it('GIVEN lists with items of their own at the start and the end WHEN merged THEN each keeps its place and none repeats', () => {
    // 'a' goes before 'b', the next line its cloud shares; 'd' and 'e' have none after them: the end.
    expect(
      mergeInOrder([
        ['b', 'c'],
        ['a', 'b', 'd'],
        ['c', 'e'],
      ]),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
