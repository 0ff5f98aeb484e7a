/**
 * Creating the v1 database and its `default` retention policy before the first write (and again
 * after a write reports `database not found` or the connection was lost).
 *
 * Heapster's rule (quirk 11): `CREATE DATABASE <db> WITH NAME "default"`, and only when that
 * failed for another reason than "already exists", `CREATE RETENTION POLICY "default" ... DURATION
 * <retention> ... DEFAULT` — so `retention` was ignored whenever the database could be created.
 * Heapgraph's rule, so that `retention` always means what it says:
 *
 * 1. `CREATE DATABASE "<db>" WITH DURATION <retention|INF> REPLICATION 1 NAME "default"` —
 *    creates the database with the policy, and is a no-op when both already exist like that.
 * 2. If InfluxDB refuses (the database exists with other policies, or a different `default`):
 *    `CREATE RETENTION POLICY "default" ON "<db>" DURATION <d> REPLICATION 1 DEFAULT`.
 * 3. If that policy already exists with other settings and `retention` was given explicitly:
 *    `ALTER RETENTION POLICY "default" ON "<db>" DURATION <d> DEFAULT`. Without an explicit
 *    `retention`, an operator's existing `default` policy is left alone.
 *
 * Writes always go to `rp=default`, as Heapster's did.
 *
 * @module
 */
import { InfluxError } from './errors.js';
import type { InfluxHttp } from './http.js';

/** An InfluxQL identifier in double quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The statements of the rule above, in order. */
export function databaseStatements(db: string, retention: string) {
  const d = quoteIdentifier(db);
  return {
    createDatabase: `CREATE DATABASE ${d} WITH DURATION ${retention} REPLICATION 1 NAME "default"`,
    createPolicy: `CREATE RETENTION POLICY "default" ON ${d} DURATION ${retention} REPLICATION 1 DEFAULT`,
    alterPolicy: `ALTER RETENTION POLICY "default" ON ${d} DURATION ${retention} DEFAULT`,
  };
}

/** What {@link ensureDatabase} did. */
export type DatabaseOutcome = 'created' | 'policy_created' | 'policy_altered' | 'policy_kept';

async function run(http: InfluxHttp, statement: string, signal?: AbortSignal): Promise<string | undefined> {
  const [result] = await http.query(statement, signal);
  return result?.error;
}

/**
 * Applies the rule. Rejects with the InfluxError of the request that failed (a connection error,
 * a refused request, or `query_failed` when the policy could be neither created nor altered).
 */
export async function ensureDatabase(http: InfluxHttp, db: string, retention: string, retentionGiven: boolean, signal?: AbortSignal): Promise<DatabaseOutcome> {
  const statements = databaseStatements(db, retention);
  const created = await run(http, statements.createDatabase, signal);
  if (created === undefined) return 'created';
  const policy = await run(http, statements.createPolicy, signal);
  if (policy === undefined) return 'policy_created';
  if (!/already exists/.test(policy)) throw new InfluxError('query_failed', `creating retention policy "default" on ${db}: ${policy}`, { db });
  if (!retentionGiven) return 'policy_kept';
  const altered = await run(http, statements.alterPolicy, signal);
  if (altered !== undefined) throw new InfluxError('query_failed', `altering retention policy "default" on ${db}: ${altered}`, { db });
  return 'policy_altered';
}
