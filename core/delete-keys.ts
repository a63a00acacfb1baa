/**
 * Hard deletes from a vendor's deleted-records feed (Salesforce's sObject Get Deleted,
 * HubSpot's archived lists, …): a stream whose `load.mode` is `deleteKeys` and whose
 * `load.target` names another stream of the same config. Its rows are keys of that stream's
 * table: the load deletes the target's rows with those keys (of the run's customer), or,
 * when the target keeps soft deletes (`load.softDelete`), marks them `_dif_deleted`, in one
 * transaction under the target's table lock. The feed's own table is never created: its
 * name names its staging table and its audit rows. Pure: the config checks and the lookup.
 */
import type { ConfigProblem } from './validate';
import type { TableConfig, VendorConfigDocument } from './config-schema';

/** The table whose rows a `deleteKeys` stream deletes, or undefined for any other stream. */
export function deletesTargetOf(config: VendorConfigDocument, stream: string): TableConfig | undefined {
  const load = config.streams[stream]?.table.load;
  if (load?.mode !== 'deleteKeys' || load.target === undefined) return undefined;
  const target = config.streams[load.target]?.table;
  if (!target) throw new Error(`stream ${stream}: its load.target "${load.target}" is not a stream of this config`);
  return target;
}

/** The problems of one `deleteKeys` stream (and of `target` on any other), each with its JSON path. */
export function deleteKeysProblems(config: VendorConfigDocument, stream: string, at: string, out: ConfigProblem[]): void {
  const table = config.streams[stream].table;
  const load = table.load!;
  if (load.mode !== 'deleteKeys') {
    if (load.target !== undefined) out.push({ path: `${at}.target`, message: 'goes with mode "deleteKeys" only' });
    return;
  }
  for (const field of ['windowColumn', 'dedupBy', 'softDelete'] as const) {
    if (load[field] !== undefined) out.push({ path: `${at}.${field}`, message: `does not apply to mode "deleteKeys", which writes no rows of its own` });
  }
  if (table.children?.length) out.push({ path: `$.streams.${stream}.table.children`, message: 'a deleteKeys stream writes no rows of its own, so no child rows either' });
  if (load.target === undefined) {
    out.push({ path: at, message: 'missing required field "target": mode "deleteKeys" deletes the keys from that stream\'s table' });
    return;
  }
  const target = config.streams[load.target];
  if (!target) {
    out.push({ path: `${at}.target`, message: `"${load.target}" is not a stream of this config (streams: ${Object.keys(config.streams).join(', ')})` });
    return;
  }
  if (load.target === stream || target.table.load?.mode === 'deleteKeys') {
    out.push({ path: `${at}.target`, message: `stream "${load.target}" is a deletes feed itself; the target is the stream whose rows the keys delete` });
    return;
  }
  if (target.table.children?.length) {
    out.push({ path: `${at}.target`, message: `stream "${load.target}" has child tables, whose rows a key delete would orphan; not supported` });
  }
  // The feed carries the target's whole key, each column of the same type.
  for (const key of target.table.primaryKey) {
    const mine = table.columns.find((c) => c.name === key);
    const theirs = target.table.columns.find((c) => c.name === key);
    if (!mine) out.push({ path: `$.streams.${stream}.table.columns`, message: `needs the column "${key}": it is part of the key of stream "${load.target}"'s table` });
    else if (theirs && mine.type !== theirs.type) {
      out.push({ path: `$.streams.${stream}.table.columns`, message: `column "${key}" is of type ${mine.type}, but ${theirs.type} in stream "${load.target}"'s table, whose key it is` });
    }
  }
}
