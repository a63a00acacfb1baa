/**
 * The warehouses DIF loads into, one line each; DIF_WAREHOUSE picks one (adapters/settings.ts).
 * Adding a warehouse: a folder beside postgres/ and redshift/ whose index builds it from
 * the settings, and its line here (README: "Adding a warehouse").
 */
import type { Settings } from '../settings';
import type { SqlWarehouse } from './sql-warehouse';
import type { WarehouseEndpoint, WarehouseModule } from './warehouse';
import { postgres } from './postgres';
import { redshift } from './redshift';

export const WAREHOUSES: Record<string, WarehouseModule> = {
  postgres,
  redshift,
};

function moduleOf(settings: Settings): WarehouseModule {
  const module = WAREHOUSES[settings.warehouse];
  if (!module) throw new Error(`DIF_WAREHOUSE must be one of ${Object.keys(WAREHOUSES).join(', ')}, got "${settings.warehouse}"`);
  return module;
}

export const createWarehouse = (settings: Settings): SqlWarehouse => moduleOf(settings).create(settings);
export const warehouseEndpoint = (settings: Settings): WarehouseEndpoint => moduleOf(settings).endpoint(settings);
