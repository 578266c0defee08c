// The workbench's queues: which case-list filter each one is, and which roles see it.
export const QUEUES = [
  { key: 'to_register', filter: { status: 'submitted' }, roles: ['dispatcher', 'admin'] },
  { key: 'to_dispatch', filter: { status: 'registered' }, roles: ['dispatcher', 'admin'] },
  { key: 'reopened', filter: { status: 'reopened' }, roles: ['dispatcher', 'admin'] },
  { key: 'to_accept', filter: { status: 'dispatched' }, roles: ['department_handler', 'dispatcher', 'admin'] },
  { key: 'to_handle', filter: { status: 'accepted' }, roles: ['department_handler', 'admin'] },
  { key: 'to_verify', filter: { status: 'handled' }, roles: ['dispatcher', 'grid_worker', 'admin'] },
  { key: 'to_close', filter: { status: 'verified' }, roles: ['dispatcher', 'admin'] },
  { key: 'overdue', filter: { overdue: 'true' }, roles: ['dispatcher', 'department_handler', 'grid_worker', 'leader', 'admin'] },
  { key: 'supervised', filter: { supervised: 'true' }, roles: ['dispatcher', 'department_handler', 'leader', 'admin'] },
  { key: 'all', filter: {}, roles: ['dispatcher', 'department_handler', 'grid_worker', 'leader', 'admin'] },
];

export function queuesFor(roles) {
  return QUEUES.filter((q) => q.roles.some((r) => roles.includes(r)));
}

// A queue's count from the status counts of GET /api/v1/stats/counts?dims=status (null when the
// queue is not a status: those are counted from the list itself).
export function queueCount(q, byStatus) {
  if (!q.filter.status) return null;
  return byStatus[q.filter.status] || 0;
}
