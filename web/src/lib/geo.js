// The district map: grid units (with GeoJSON geometry) as a FeatureCollection for ECharts, and the
// point-in-polygon test that tells a resident which grid a picked point falls in.

export function gridsToGeoJSON(units) {
  return {
    type: 'FeatureCollection',
    features: units
      .filter((u) => u.geometry)
      .map((u) => ({
        type: 'Feature',
        properties: { name: u.code, label: u.name, label_en: u.name_en, parent: u.parent },
        geometry: u.geometry,
      })),
  };
}

function ringContains(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygonContains(rings, x, y) {
  if (!rings.length || !ringContains(rings[0], x, y)) return false;
  return !rings.slice(1).some((hole) => ringContains(hole, x, y));
}

export function geometryContains(g, lon, lat) {
  if (!g) return false;
  if (g.type === 'Polygon') return polygonContains(g.coordinates, lon, lat);
  if (g.type === 'MultiPolygon') return g.coordinates.some((p) => polygonContains(p, lon, lat));
  return false;
}

// The grid unit containing the point, or null.
export function findGrid(units, lon, lat) {
  return units.find((u) => geometryContains(u.geometry, lon, lat)) || null;
}

// The mean of a polygon's outer ring (good enough for a label or a marker on small convex grids).
export function centroid(g) {
  const ring = g.type === 'MultiPolygon' ? g.coordinates[0][0] : g.coordinates[0];
  const pts = ring.length > 1 ? ring.slice(0, -1) : ring;
  const s = pts.reduce((a, [x, y]) => [a[0] + x, a[1] + y], [0, 0]);
  return [s[0] / pts.length, s[1] / pts.length];
}
