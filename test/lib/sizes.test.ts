import {
  AZURE_POSTGRES_TIERS,
  azurePostgresSku,
  azurePostgresSkuAtLeast,
  azurePostgresSkuCovers,
  DATABASE_SIZES,
} from '../../lib/sizes';

describe('azurePostgresSku', () => {
  test('GIVEN Flexible Server SKU names WHEN read THEN tier rank and vCores come out', () => {
    expect(azurePostgresSku('B_Standard_B1ms')).toEqual([0, 1]);
    expect(azurePostgresSku('GP_Standard_D2ds_v5')).toEqual([1, 2]);
    expect(azurePostgresSku('GP_Standard_DC16ads_v5')).toEqual([1, 16]);
    expect(azurePostgresSku('MO_Standard_E4ds_v5')).toEqual([2, 4]);
  });

  test('GIVEN a name the pattern cannot read WHEN read THEN both parts are -1', () => {
    expect(azurePostgresSku('Standard_D2s_v3')).toEqual([-1, -1]);
    expect(azurePostgresSku(undefined)).toEqual([-1, -1]);
  });

  test('GIVEN the Azure database sizes WHEN ordered THEN each is at least the one below it (replicaSize ≥ size holds in SKU terms)', () => {
    const skus = (['small', 'medium', 'large', 'xlarge'] as const).map((s) =>
      azurePostgresSku(DATABASE_SIZES[s].azure.type),
    );
    for (let i = 1; i < skus.length; i++) {
      const [[t0, v0], [t1, v1]] = [skus[i - 1] as [number, number], skus[i] as [number, number]];
      expect(t1).toBeGreaterThanOrEqual(t0);
      expect(v1).toBeGreaterThanOrEqual(v0);
    }
  });
});

describe('azurePostgresSkuCovers', () => {
  test.each([
    ['MO_Standard_E4ds_v5', 'MO_Standard_E4ds_v5', true],
    ['MO_Standard_E8ds_v5', 'MO_Standard_E4ds_v5', true],
    ['MO_Standard_E2ds_v5', 'MO_Standard_E4ds_v5', false],
    ['GP_Standard_D8ds_v5', 'MO_Standard_E4ds_v5', false],
    ['MO_Standard_E2ds_v5', 'GP_Standard_D2ds_v5', true],
    ['B_Standard_B2s', 'GP_Standard_D2ds_v5', false],
  ])(
    'GIVEN replica %s and primary %s WHEN compared THEN covers is %s (tier and vCores both)',
    (replica, primary, covers) => {
      expect(azurePostgresSkuCovers(replica, primary)).toBe(covers);
    },
  );
});

describe('azurePostgresSkuAtLeast', () => {
  test('GIVEN two SKU expressions WHEN rendered THEN tier and vCores are compared, unreadable parts as -1', () => {
    expect(azurePostgresSkuAtLeast('self.sku_name', '"MO_Standard_E2ds_v5"')).toBe(
      `try(index(${JSON.stringify(AZURE_POSTGRES_TIERS)}, split("_", self.sku_name)[0]), -1) >= try(index(["B","GP","MO"], split("_", "MO_Standard_E2ds_v5")[0]), -1) && try(tonumber(regex("^[A-Z]+_Standard_[A-Z]+([0-9]+)", self.sku_name)[0]), -1) >= try(tonumber(regex("^[A-Z]+_Standard_[A-Z]+([0-9]+)", "MO_Standard_E2ds_v5")[0]), -1)`,
    );
  });
});
