// The process: prom-client's default metrics (CPU, resident memory, heap, event-loop lag, GC,
// handles), and the memory the process may use, so an alert can say "over 90%".
import os from 'node:os';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

export function registerProcessMetrics(registry: Registry) {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  new Gauge({
    name: 'process_memory_limit_bytes',
    help: "The memory this process may use: its cgroup's limit when it has one, else the machine's memory.",
    registers: [registry],
    collect() {
      const constrained = process.constrainedMemory?.() ?? 0;
      this.set(constrained > 0 && constrained < Number.MAX_SAFE_INTEGER ? constrained : os.totalmem());
    },
  });
}
