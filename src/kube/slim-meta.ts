/**
 * The cached form of object metadata: identity always (name, namespace, uid, resourceVersion —
 * ListWatch keys its cache and resumes watches by them — and creationTimestamp), and labels,
 * annotations and owner references only for the kinds whose readers use them.
 *
 * @module
 */
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import type { FieldReader, RawObject } from './slim-read.js';

/** Which optional metadata a kind keeps. */
export interface MetadataFields {
  labels?: boolean;
  annotations?: boolean;
  ownerReferences?: boolean;
}

function slimOwner(read: FieldReader, raw: RawObject): V1OwnerReference {
  // Owners repeat across the pods of one controller, so even name and uid are pooled.
  return {
    apiVersion: read.shared(raw.apiVersion)!,
    kind: read.shared(raw.kind)!,
    name: read.shared(raw.name)!,
    uid: read.shared(raw.uid)!,
    controller: read.boolean(raw.controller),
  };
}

// Pods of one controller carry the same label set and owner list: one shared copy each.
function canonicalLabels(read: FieldReader, raw: unknown): Record<string, string> | undefined {
  const labels = read.strings(raw);
  return labels === undefined ? undefined : read.canonical('labels', labels);
}

function canonicalOwners(read: FieldReader, raw: unknown): V1OwnerReference[] | undefined {
  const owners = read.objects(raw)?.map((owner) => slimOwner(read, owner));
  return owners === undefined ? undefined : read.canonical('owners', owners);
}

/** The cached form of `raw` (absent metadata stays absent). */
export function slimMetadata(read: FieldReader, raw: RawObject | undefined, fields: MetadataFields = {}): V1ObjectMeta | undefined {
  if (raw === undefined) return undefined;
  return {
    name: read.text(raw.name),
    namespace: read.shared(raw.namespace),
    uid: read.text(raw.uid),
    resourceVersion: read.text(raw.resourceVersion),
    creationTimestamp: read.time(raw.creationTimestamp),
    labels: fields.labels ? canonicalLabels(read, raw.labels) : undefined,
    annotations: fields.annotations ? read.strings(raw.annotations) : undefined,
    ownerReferences: fields.ownerReferences ? canonicalOwners(read, raw.ownerReferences) : undefined,
  };
}
