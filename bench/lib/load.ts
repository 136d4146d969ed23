import autocannon from 'autocannon';

/** What one route did under load. */
export interface Measured {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/** `connections` clients sending `request()` after request at `url` for `seconds` (autocannon). */
export function measureLoad(url: string, seconds: number, connections: number, request: () => autocannon.Request): Promise<Measured> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: [
          {
            setupRequest: (base) => {
              const r = request();
              return { ...base, ...r, headers: { ...base.headers, ...r.headers } };
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requestsPerSecond: result.requests.total / seconds,
          p50: result.latency.p50,
          p99: result.latency.p99,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
        });
      },
    );
  });
}
