// mtls-pop/server: the runnable product (`mtls-pop serve`, `npm start`) as a library.
// This file only re-exports.
export { startServer, type RunningServer, type StartOptions } from '../server/start.js';
export { createApp, type AppParts } from '../server/app.js';
export { createMetrics, startMetricsServer, METRIC_NAMES, type Metrics } from '../server/metrics.js';
export { createEchoApp } from '../server/echo.js';
