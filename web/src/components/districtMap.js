// Registers the district's grid map with ECharts once, from GET /api/v1/org/units?kind=grid.
import * as echarts from 'echarts';
import { grids } from '../api.js';
import { gridsToGeoJSON } from '../lib/geo.js';

export const MAP_NAME = 'minghu-grids';
let ready = null;
export function districtMap() {
  if (!ready)
    ready = grids().then((units) => {
      echarts.registerMap(MAP_NAME, gridsToGeoJSON(units));
      return units;
    });
  return ready;
}
