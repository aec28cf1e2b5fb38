// Every e2e worker: UTC clock (deadlines depend on it) and test mode.
process.env.TZ = 'UTC';
process.env.NODE_ENV = 'test';
