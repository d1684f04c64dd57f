import fc from 'fast-check';

/** A DER element as a tree: constructed elements (bit 0x20 of the tag) have children. */
export interface DerNode {
  tag: number;
  content?: Buffer;
  children?: DerNode[];
}

/** Parses well-formed DER (our fixtures) into a tree; primitive elements keep their content. */
export function parseTree(bytes: Buffer, start = 0, end = bytes.length): DerNode[] {
  const nodes: DerNode[] = [];
  let at = start;
  while (at < end) {
    const tag = bytes[at]!;
    let length = bytes[at + 1]!;
    let contentStart = at + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + bytes[contentStart + i]!;
      contentStart += count;
    }
    const contentEnd = contentStart + length;
    // BIT STRING / OCTET STRING wrappers (extensions, SPKI) stay primitive: their bytes are mutated as a whole.
    nodes.push(tag & 0x20 ? { tag, children: parseTree(bytes, contentStart, contentEnd) } : { tag, content: bytes.subarray(contentStart, contentEnd) });
    at = contentEnd;
  }
  return nodes;
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Serialises a tree with correct minimal DER lengths. */
export function serialiseTree(nodes: readonly DerNode[]): Buffer {
  return Buffer.concat(nodes.map((node) => {
    const content = node.children ? serialiseTree(node.children) : (node.content ?? Buffer.alloc(0));
    return Buffer.concat([Buffer.from([node.tag]), encodeLength(content.length), content]);
  }));
}

function clone(nodes: readonly DerNode[]): DerNode[] {
  return nodes.map((node) => (node.children ? { tag: node.tag, children: clone(node.children) } : { tag: node.tag, content: node.content }));
}

/** Every node with its parent list and index, depth first. */
function flatten(nodes: DerNode[], out: { list: DerNode[]; index: number }[] = []): { list: DerNode[]; index: number }[] {
  nodes.forEach((node, index) => {
    out.push({ list: nodes, index });
    if (node.children) flatten(node.children, out);
  });
  return out;
}

/** Tags worth trying in place of the real one: the string, time, OID and GeneralName tags fields.ts reads. */
export const INTERESTING_TAGS = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1c, 0x1e, 0x1f, 0x30, 0x31, 0x80, 0x81, 0x82, 0x86, 0x87, 0xa0, 0xa3, 0xff];

/** Contents worth trying: times near the edges, odd lengths, OIDs with long arcs, IP sizes, text. */
export const INTERESTING_CONTENTS: readonly Buffer[] = [
  '', '0', 'Z', '991231235959Z', '500101000000Z', '491231235959Z', '20501231235959Z', '99991231235959Z', '00000000000000Z', '991399999999Z',
  '250230000000Z', '2025013100000Z', '250131000000+0100', '25013100000Z ', 'client-ec.example.com', 'a,b;c="d"\\', '#0c03616263', ' lead', 'trail ',
].map((text) => Buffer.from(text, 'latin1')).concat([
  Buffer.from([0x2a]), Buffer.from([0x80]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), Buffer.from([0x55, 0x1d, 0x11]),
  Buffer.from([0x55, 0x04, 0x03]), Buffer.from([0x00]), Buffer.from([0x00, 0x41]), Buffer.from([0x41]), Buffer.from([0xc0, 0x00, 0x02]),
  Buffer.from([0, 0, 0, 0x41, 0, 0x11, 0, 0]), Buffer.from([0xd8, 0x00, 0xdc]), Buffer.alloc(4, 0xff), Buffer.alloc(16, 0xab), Buffer.alloc(5, 1),
  Buffer.alloc(300, 0x61),
]);

/** One structure-aware edit of a DER tree; the tree is re-serialised with consistent lengths. */
export type TreeEdit =
  | { kind: 'tag'; node: number; tag: number }
  | { kind: 'content'; node: number; content: Uint8Array }
  | { kind: 'remove'; node: number }
  | { kind: 'duplicate'; node: number; times: number }
  | { kind: 'move'; node: number; to: number };

export const treeEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  fc.record({ kind: fc.constant('tag' as const), node: fc.nat(), tag: fc.oneof(fc.constantFrom(...INTERESTING_TAGS), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ kind: fc.constant('content' as const), node: fc.nat(), content: fc.oneof(fc.constantFrom(...INTERESTING_CONTENTS), fc.uint8Array({ maxLength: 40 })) }),
  fc.record({ kind: fc.constant('remove' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), node: fc.nat(), times: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('move' as const), node: fc.nat(), to: fc.nat() }),
);

/** Applies tree edits to a parsed copy of `der` and re-serialises it. */
export function applyTreeEdits(der: Buffer, edits: readonly TreeEdit[]): Buffer {
  const tree = clone(parseTree(der));
  for (const edit of edits) {
    const nodes = flatten(tree);
    // Repeated duplication grows the tree geometrically; a few thousand elements are plenty.
    if (nodes.length === 0 || nodes.length > 4000) break;
    const { list, index } = nodes[edit.node % nodes.length]!;
    const node = list[index]!;
    switch (edit.kind) {
      case 'tag': node.tag = edit.tag; break;
      case 'content': list[index] = { tag: node.tag & ~0x20, content: Buffer.from(edit.content) }; break;
      case 'remove': list.splice(index, 1); break;
      case 'duplicate': list.splice(index, 0, ...Array.from({ length: edit.times }, () => clone([node])[0]!)); break;
      case 'move': {
        const target = nodes[edit.to % nodes.length]!;
        // Moving a node under itself would make the tree a cycle (and flatten endless).
        if (target.list[target.index] === node || flatten([node]).some((entry) => entry.list === target.list)) break;
        list.splice(index, 1);
        target.list.splice(Math.min(target.index, target.list.length), 0, node);
        break;
      }
    }
  }
  return serialiseTree(tree);
}

/** Enough offsets to aim a length edit; a mutated input can declare overlapping elements without end. */
const MAX_TLV_OFFSETS = 10_000;

/** Offsets of the TLVs' tags (of well-formed DER; best effort on mutated bytes), to aim length edits at real length bytes. */
export function tlvOffsets(der: Buffer, start = 0, end = der.length, out: number[] = []): number[] {
  let at = start;
  while (at < end && at < der.length && out.length < MAX_TLV_OFFSETS) {
    out.push(at);
    const tag = der[at]!;
    let length = der[at + 1]!;
    let contentStart = at + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
      contentStart += count;
    }
    if (tag & 0x20) tlvOffsets(der, contentStart, contentStart + length, out);
    at = contentStart + length;
  }
  return out;
}

/** One byte-level edit; `tlv` picks a real element so length edits land on length bytes. */
export type ByteEdit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'length'; tlv: number; length: Uint8Array }
  | { kind: 'lengthDelta'; tlv: number; delta: number };

const LENGTH_FORMS: readonly Uint8Array[] = [
  [0x00], [0x01], [0x7f], [0x80], [0x81, 0x00], [0x81, 0x7f], [0x81, 0x80], [0x82, 0x00, 0x05], [0x82, 0xff, 0xff],
  [0x84, 0xff, 0xff, 0xff, 0xff], [0x84, 0x7f, 0xff, 0xff, 0xff], [0x85, 0x01, 0x00, 0x00, 0x00, 0x00], [0x88, 0, 0, 0, 0, 0, 0, 0, 1], [0xff],
].map((bytes) => Uint8Array.from(bytes));

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('length' as const), tlv: fc.nat(), length: fc.oneof(fc.constantFrom(...LENGTH_FORMS), fc.uint8Array({ minLength: 1, maxLength: 5 })) }),
  fc.record({ kind: fc.constant('lengthDelta' as const), tlv: fc.nat(), delta: fc.integer({ min: -3, max: 3 }) }),
);

/** Applies byte edits to a copy of `der`. Length edits rewrite the length field of the chosen element. */
export function applyByteEdits(der: Buffer, edits: readonly ByteEdit[]): Buffer {
  let bytes = Buffer.from(der);
  for (const edit of edits) {
    if (edit.kind === 'length' || edit.kind === 'lengthDelta') {
      const offsets = tlvOffsets(bytes);
      if (offsets.length === 0) continue;
      const at = offsets[edit.tlv % offsets.length]! + 1;
      const first = bytes[at]!;
      const size = first & 0x80 ? 1 + (first & 0x7f) : 1;
      if (edit.kind === 'length') {
        bytes = Buffer.concat([bytes.subarray(0, at), edit.length, bytes.subarray(at + size)]);
      } else {
        const field = Buffer.from(bytes.subarray(at, at + size));
        field[field.length - 1] = (field[field.length - 1]! + edit.delta + 256) & 0xff;
        bytes = Buffer.concat([bytes.subarray(0, at), field, bytes.subarray(at + size)]);
      }
      continue;
    }
    if (bytes.length === 0) {
      if (edit.kind === 'insert') bytes = Buffer.from(edit.bytes);
      continue;
    }
    const at = edit.at % bytes.length;
    switch (edit.kind) {
      case 'flip': bytes[at] = bytes[at]! ^ (1 << edit.bit); break;
      case 'set': bytes[at] = edit.value; break;
      case 'truncate': bytes = bytes.subarray(0, at); break;
      case 'insert': bytes = Buffer.concat([bytes.subarray(0, at), edit.bytes, bytes.subarray(at)]); break;
      case 'delete': bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + edit.length)]); break;
    }
  }
  return Buffer.from(bytes);
}

/** DER inputs: real certificates mutated by tree edits, byte edits or both, plus random bytes. */
export function mutatedDer(seeds: readonly Buffer[]): fc.Arbitrary<Uint8Array> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(seed, fc.array(treeEdit, { minLength: 1, maxLength: 4 })).map(([der, edits]) => applyTreeEdits(der, edits)) },
    { weight: 4, arbitrary: fc.tuple(seed, fc.array(byteEdit, { minLength: 1, maxLength: 4 })).map(([der, edits]) => applyByteEdits(der, edits)) },
    { weight: 2, arbitrary: fc.tuple(seed, fc.array(treeEdit, { minLength: 1, maxLength: 3 }), fc.array(byteEdit, { minLength: 1, maxLength: 2 }))
      .map(([der, tree, bytes]) => applyByteEdits(applyTreeEdits(der, tree), bytes)) },
    { weight: 1, arbitrary: seed },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 30 }).map((tail) => Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), tail])) },
  );
}
