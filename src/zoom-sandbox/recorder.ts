import type { RecordedRequest } from './types';

/** Per-route-key request counters and recordings, for assertions. */
export class CallRecorder {
  private readonly records = new Map<string, RecordedRequest[]>();

  record(routeKey: string, request: RecordedRequest): void {
    const list = this.records.get(routeKey);
    if (list) list.push(request);
    else this.records.set(routeKey, [request]);
  }

  calls(routeKey?: string): number {
    if (routeKey !== undefined) return this.records.get(routeKey)?.length ?? 0;
    let total = 0;
    for (const list of this.records.values()) total += list.length;
    return total;
  }

  requests(routeKey: string): RecordedRequest[] {
    return [...(this.records.get(routeKey) ?? [])];
  }

  counts(): Record<string, number> {
    return Object.fromEntries([...this.records].map(([key, list]) => [key, list.length]));
  }

  reset(): void {
    this.records.clear();
  }
}
