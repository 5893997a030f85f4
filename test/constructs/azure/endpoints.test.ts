import { READER_SLOTS, readerHostName, readerTarget } from '../../../constructs/azure/endpoints';
import { CLOUD_LIMITS } from '../../../lib/limits';

describe('reader slots', () => {
  test('GIVEN the Azure replica limit WHEN slots are counted THEN every replica Azure allows has a name', () => {
    expect(READER_SLOTS).toBe(CLOUD_LIMITS.azure.databaseReadReplicas.max);
  });

  test('GIVEN a relative or a qualified reader name WHEN a slot is named THEN the number goes on the first label', () => {
    expect(readerHostName('reader', 0)).toBe('reader-1');
    expect(readerHostName('reader.db.shop.internal', 4)).toBe('reader-5.db.shop.internal');
    expect(readerHostName('reader-s2.db.shop.internal', 1)).toBe('reader-s2-2.db.shop.internal');
  });

  test('GIVEN fewer replicas than slots WHEN targets are chosen THEN slots go round robin, and to the primary without replicas', () => {
    expect(Array.from({ length: READER_SLOTS }, (_, slot) => readerTarget(slot, 2))).toEqual([
      { replica: 0 },
      { replica: 1 },
      { replica: 0 },
      { replica: 1 },
      { replica: 0 },
    ]);
    expect(readerTarget(3, 0)).toBe('primary');
  });
});
