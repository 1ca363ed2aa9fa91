// The state store's schema, one migration per version: MIGRATIONS[n] takes a store from version n to n + 1.
// Never edit a released migration; append a new one (a store records its version in PRAGMA user_version).

/** PRAGMA application_id of a dutybound store: "duty" in ASCII. */
export const STORE_APPLICATION_ID = 0x64757479;

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    now TEXT NOT NULL,
    generatedAt TEXT NOT NULL,
    complete INTEGER NOT NULL,
    summary TEXT NOT NULL,
    inventoryDigest TEXT NOT NULL,
    hasEntitlements INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    system TEXT NOT NULL,
    target TEXT NOT NULL,
    principal TEXT NOT NULL,
    privilege TEXT,
    resource TEXT,
    credential TEXT,
    firstSeen TEXT NOT NULL,
    lastSeen TEXT NOT NULL,
    resolvedAt TEXT,
    timesSeen INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX findings_open ON findings (resolvedAt);
  CREATE TABLE entitlements (
    key TEXT PRIMARY KEY,
    principal TEXT NOT NULL,
    system TEXT NOT NULL,
    target TEXT NOT NULL,
    resource TEXT NOT NULL,
    privilege TEXT NOT NULL,
    level TEXT NOT NULL,
    via TEXT NOT NULL,
    firstSeen TEXT NOT NULL,
    removedAt TEXT
  ) WITHOUT ROWID;
  CREATE INDEX entitlements_present ON entitlements (removedAt);
  `,
];
