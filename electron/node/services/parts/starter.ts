/** The shipped starter catalogue (resources/parts/starter.json), checked against the catalogue schema on load. */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PartCategory, UNIT_COST_MAX } from '../../../../shared/domain/parts';
import { resourcesDir } from '../../paths';
import type { StarterItem } from './parts-service';

const StarterFile = z.object({
  version: z.literal(1),
  items: z.array(
    z.object({
      partNumber: z.string().min(1).max(60),
      category: PartCategory,
      name: z.object({ 'zh-CN': z.string().min(1).max(100), en: z.string().min(1).max(100) }),
      minimumStock: z.number().int().min(0),
      reorderQuantity: z.number().int().min(0),
      unitCost: z.number().min(0).max(UNIT_COST_MAX),
    }),
  ),
});

export function loadStarterParts(file = path.join(resourcesDir(), 'parts', 'starter.json')): StarterItem[] {
  return StarterFile.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).items;
}
