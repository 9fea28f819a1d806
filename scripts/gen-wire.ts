/**
 * Generates src/protocol/wire/generated/ from Kafka's JSON message schemas
 * (clients/src/main/resources/common/message/*.json, a copy in ../shared/kafka-protocol/message):
 * per message its TypeScript types, its schema (about texts dropped), and a straight-line decoder
 * and encoder for every valid version. Versions whose wire shape is identical share one function.
 *
 *   npm run gen:wire [-- MESSAGE_DIR]
 *
 * The rules are those of Kafka's own generator (generator/src/main/java/org/apache/kafka/message/
 * MessageDataGenerator.java): fields absent from a version take their default on read and must
 * hold it on write unless ignorable; tagged fields are written only when not at their default;
 * nullable structs carry an int8 marker; arrays, strings and bytes use compact lengths in
 * flexible versions unless the field overrides flexibleVersions.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type FieldSchema, type MessageSchema, type StructSchema, type VersionRange,
  OPEN_VERSION, PRIMITIVE_TYPES, inRange, isFieldFlexible, isNullable, isTagged,
} from '../src/protocol/wire/schema.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_MESSAGE_DIR = resolve(ROOT, '../shared/kafka-protocol/message');
export const GENERATED_DIR = join(ROOT, 'src/protocol/wire/generated');

/** Kafka's schemas are never recursive; a deeper nesting than this would be a schema we misread. */
const MAX_STRUCT_DEPTH = 8;

// ---------------------------------------------------------------- reading the schemas

interface RawField {
  name: string; type: string; versions: string; nullableVersions?: string; tag?: number | string;
  taggedVersions?: string; ignorable?: boolean; default?: string | number | boolean;
  flexibleVersions?: string; fields?: RawField[];
}
interface RawMessage {
  name: string; type: MessageSchema['type']; apiKey?: number; listeners?: string[];
  validVersions: string; flexibleVersions: string; latestVersionUnstable?: boolean; fields: RawField[];
  commonStructs?: { name: string; versions: string; fields: RawField[] }[];
}

export function parseVersions(text: string | undefined): VersionRange | null {
  if (text === undefined || text === 'none' || text === '') return null;
  const open = /^(\d+)\+$/.exec(text);
  if (open) return [Number(open[1]), OPEN_VERSION];
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) return [Number(range[1]), Number(range[2])];
  if (/^\d+$/.test(text)) return [Number(text), Number(text)];
  throw new Error(`unreadable versions "${text}"`);
}

/** Kafka's schema files carry // comment lines (the licence); JSON does not allow them. */
export function stripComments(text: string): string {
  return text.replace(/^\s*\/\/.*$/gm, '');
}

function lowerCaseFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function normalise(raw: RawMessage): MessageSchema {
  const structs: Record<string, StructSchema> = {};
  const field = (f: RawField): FieldSchema => {
    const array = f.type.startsWith('[]');
    const type = array ? f.type.slice(2) : f.type;
    if (f.fields !== undefined) structs[type] = { name: type, fields: f.fields.map(field) };
    const versions = parseVersions(f.versions);
    if (versions === null) throw new Error(`${raw.name}.${f.name}: no versions`);
    const out: { -readonly [K in keyof FieldSchema]: FieldSchema[K] } = { name: lowerCaseFirst(f.name), type, versions };
    if (array) out.array = true;
    const nullable = parseVersions(f.nullableVersions);
    if (nullable) out.nullableVersions = nullable;
    if (f.tag !== undefined) out.tag = Number(f.tag);
    const tagged = parseVersions(f.taggedVersions);
    if (tagged) out.taggedVersions = tagged;
    if (f.ignorable === true) out.ignorable = true;
    if (f.default !== undefined) out.default = String(f.default);
    if (f.flexibleVersions !== undefined) out.flexibleVersions = parseVersions(f.flexibleVersions);
    return out;
  };
  for (const common of raw.commonStructs ?? []) structs[common.name] = { name: common.name, fields: common.fields.map(field) };
  const fields = raw.fields.map(field);
  const validVersions = parseVersions(raw.validVersions);
  if (validVersions === null) throw new Error(`${raw.name}: no valid versions`);
  const sortedStructs: Record<string, StructSchema> = {};
  for (const name of Object.keys(structs).sort()) sortedStructs[name] = structs[name]!;
  const message: MessageSchema = {
    name: raw.name, type: raw.type,
    ...(raw.apiKey !== undefined ? { apiKey: raw.apiKey } : {}),
    ...(raw.listeners !== undefined ? { listeners: raw.listeners } : {}),
    validVersions, flexibleVersions: parseVersions(raw.flexibleVersions),
    ...(raw.latestVersionUnstable === true ? { latestVersionUnstable: true as const } : {}),
    fields, structs: sortedStructs,
  };
  validate(message);
  return message;
}

function validate(message: MessageSchema): void {
  const check = (fields: readonly FieldSchema[], depth: number, path: string): void => {
    if (depth > MAX_STRUCT_DEPTH) throw new Error(`${path}: structs nested deeper than ${MAX_STRUCT_DEPTH}`);
    for (const f of fields) {
      const where = `${path}.${f.name}`;
      if (!PRIMITIVE_TYPES.has(f.type) && message.structs[f.type] === undefined) throw new Error(`${where}: unknown type ${f.type}`);
      if (f.taggedVersions !== undefined) {
        if (f.tag === undefined) throw new Error(`${where}: tagged versions without a tag`);
        for (let v = f.taggedVersions[0]; v <= Math.min(f.taggedVersions[1], message.validVersions[1]); v++) {
          if (!isFieldFlexible(message, f, v)) throw new Error(`${where}: tagged in non-flexible version ${v}`);
        }
        if (!f.array && message.structs[f.type] !== undefined && f.nullableVersions !== undefined) {
          throw new Error(`${where}: a nullable tagged struct is not handled`);
        }
      }
      if (!PRIMITIVE_TYPES.has(f.type)) check(message.structs[f.type]!.fields, depth + 1, where);
    }
  };
  check(message.fields, 1, message.name);
}

export function readSchemas(messageDir: string): MessageSchema[] {
  return readdirSync(messageDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => normalise(JSON.parse(stripComments(readFileSync(join(messageDir, name), 'utf8'))) as RawMessage));
}

// ---------------------------------------------------------------- generating one message

/** The TypeScript interface name of the message's top-level struct, as Kafka's Java names its data class. */
export function dataTypeName(message: MessageSchema): string {
  return `${message.name}Data`;
}

class MessageGenerator {
  private readonly functions: string[] = [];
  private readonly byBody = new Map<string, string>();
  private count = 0;

  constructor(private readonly message: MessageSchema) {}

  private typeName(structName: string): string {
    return structName === this.message.name ? dataTypeName(this.message) : structName;
  }

  private fieldsOf(structName: string): readonly FieldSchema[] {
    return structName === this.message.name ? this.message.fields : this.message.structs[structName]!.fields;
  }

  private isStruct(field: FieldSchema): boolean {
    return !PRIMITIVE_TYPES.has(field.type);
  }

  /** Emits a function once per distinct body; returns its name. */
  private emit(prefix: string, signature: string, body: string): string {
    const key = `${prefix}${signature}\n${body}`;
    const existing = this.byBody.get(key);
    if (existing !== undefined) return existing;
    const name = `${prefix}${this.count++}`;
    this.byBody.set(key, name);
    this.functions.push(`function ${name}${signature} {\n${body}}\n`);
    return name;
  }

  // ---- types

  private tsType(field: FieldSchema): string {
    let base: string;
    switch (field.type) {
      case 'bool': base = 'boolean'; break;
      case 'int64': base = 'bigint'; break;
      case 'uuid': case 'string': base = 'string'; break;
      case 'bytes': case 'records': base = 'Uint8Array'; break;
      default: base = PRIMITIVE_TYPES.has(field.type) ? 'number' : this.typeName(field.type);
    }
    if (field.array) base = `${base}[]`;
    const nullable = field.nullableVersions !== undefined || field.default === 'null' || field.type === 'records';
    return nullable ? `${base} | null` : base;
  }

  interfaces(): string {
    const out: string[] = [];
    const one = (name: string, fields: readonly FieldSchema[]): void => {
      out.push(`export interface ${this.typeName(name)} {\n${fields.map((f) => `  ${f.name}: ${this.tsType(f)};\n`).join('')}` +
        '  _unknownTaggedFields?: $.RawTaggedField[];\n}\n');
    };
    one(this.message.name, this.message.fields);
    for (const struct of Object.values(this.message.structs)) one(struct.name, struct.fields);
    return out.join('\n');
  }

  // ---- defaults

  defaultLiteral(field: FieldSchema): string {
    const text = field.default;
    if (text === 'null') return 'null';
    if (field.array) return '[]';
    switch (field.type) {
      case 'bool': return text === 'true' ? 'true' : 'false';
      case 'int64': return `${text === undefined || text === '' ? 0n : BigInt(text)}n`;
      case 'string': return JSON.stringify(text ?? '');
      case 'uuid': return '$.ZERO_UUID';
      case 'bytes': return '$.EMPTY_BYTES';
      case 'records': return 'null';
      default:
        if (PRIMITIVE_TYPES.has(field.type)) return String(text === undefined || text === '' ? 0 : Number(text));
        return `default${field.type}()`;
    }
  }

  defaultFunctions(): string {
    return Object.values(this.message.structs).map((s) =>
      `function default${s.name}(): ${s.name} {\n  return { ${s.fields.map((f) => `${f.name}: ${this.defaultLiteral(f)}`).join(', ')} };\n}\n`).join('\n');
  }

  /** Kafka's "is this field at its default" test (FieldSpec.generateNonDefaultValueCheck); undefined counts as default. */
  private nonDefault(field: FieldSchema, expr: string): string {
    const literal = this.defaultLiteral(field);
    if (literal === 'null' || field.type === 'records') return `(${expr} !== undefined && ${expr} !== null)`;
    if (field.array || field.type === 'bytes') return `(${expr} !== undefined && (${expr} === null || ${expr}.length !== 0))`;
    if (this.isStruct(field)) return `(${expr} !== undefined && !$.wireEqual(${expr}, ${literal}))`;
    return `(${expr} !== undefined && ${expr} !== ${literal})`;
  }

  // ---- decoding

  private primitiveRead(type: string, compact: boolean, nullable: boolean): string {
    const n = nullable ? 'n' : '';
    const c = compact ? 'c' : '';
    switch (type) {
      case 'bool': return 'r.bool()';
      case 'int8': return 'r.i8()';
      case 'int16': return 'r.i16()';
      case 'uint16': return 'r.u16()';
      case 'int32': return 'r.i32()';
      case 'uint32': return 'r.u32()';
      case 'int64': return 'r.i64()';
      case 'float64': return 'r.f64()';
      case 'uuid': return 'r.uuid()';
      case 'string': return `r.${n}${c}str()`;
      case 'bytes': case 'records': return `r.${n}${c}bytes()`;
      default: throw new Error(`not a primitive: ${type}`);
    }
  }

  /** Statements that leave field `i`'s value (read at `version`) in `x{i}`. */
  private readField(field: FieldSchema, i: number, version: number, depth: number, declare: boolean): string {
    const compact = isFieldFlexible(this.message, field, version);
    const nullable = isNullable(field, version);
    const target = declare ? `const x${i}` : `x${i}`;
    if (field.array) {
      const element = this.isStruct(field)
        ? `${this.decoder(field.type, version, depth + 1)}(r)`
        : this.primitiveRead(field.type, compact, false);
      const initial = nullable ? `n${i} < 0 ? null : []` : '[]';
      return `    const n${i} = r.arrayLength(${compact}, ${nullable});\n` +
        `    ${declare ? `${target}: ${this.tsType(field)}` : target} = ${initial};\n` +
        `    if (n${i} > 0) { let j = 0; try { for (; j < n${i}; j++) x${i}!.push(${element}); } catch (e) { throw $.atIndex(e, j); } }\n`;
    }
    if (this.isStruct(field)) {
      const read = `${this.decoder(field.type, version, depth + 1)}(r)`;
      return `    ${target} = ${nullable ? `r.i8() < 0 ? null : ${read}` : read};\n`;
    }
    return `    ${target} = ${this.primitiveRead(field.type, compact, nullable)};\n`;
  }

  decoder(structName: string, version: number, depth: number): string {
    if (depth > MAX_STRUCT_DEPTH) throw new Error(`${this.message.name}: nesting too deep`);
    const fields = this.fieldsOf(structName);
    const flexible = inRange(this.message.flexibleVersions, version);
    const taggedIndex = fields.length;
    let body = '  let f = 0;\n  try {\n';
    const values: string[] = [];
    const taggedHere: [FieldSchema, number][] = [];
    fields.forEach((field, i) => {
      if (!inRange(field.versions, version)) {
        values.push(`${field.name}: ${this.defaultLiteral(field)}`);
        return;
      }
      if (isTagged(field, version)) {
        taggedHere.push([field, i]);
        values.push(`${field.name}: x${i}`);
        return;
      }
      body += `    f = ${i};${this.readField(field, i, version, depth, true).slice(3)}`;
      values.push(`${field.name}: x${i}`);
    });
    const type = this.typeName(structName);
    if (flexible) {
      body += `    f = ${taggedIndex};\n`;
      // Tags this struct defines in other versions are an error here, as in Kafka's readers.
      const otherTags = fields.filter((f) => f.taggedVersions !== undefined && f.tag !== undefined && !taggedHere.some(([t]) => t.tag === f.tag))
        .map((f) => f.tag!);
      if (taggedHere.length === 0 && otherTags.length === 0) {
        body += '    const u = r.unknownTagged();\n';
      } else {
        for (const [field, i] of taggedHere) body += `    let x${i}: ${this.tsType(field)} = ${this.defaultLiteral(field)};\n`;
        body += '    let u: $.RawTaggedField[] | undefined;\n' +
          '    const tagCount = r.taggedCount();\n' +
          '    for (let t = 0; t < tagCount; t++) {\n' +
          '      const tag = r.uvarint();\n      const end = r.taggedEnd();\n      switch (tag) {\n';
        for (const [field, i] of [...taggedHere].sort((a, b) => a[0].tag! - b[0].tag!)) {
          body += `        case ${field.tag}: {\n          f = ${i};\n          const outer = r.enterTagged(end);\n` +
            this.readField(field, i, version, depth, false).replace(/^ {4}/gm, '          ') +
            `          r.leaveTagged(end, outer);\n          f = ${taggedIndex};\n          break;\n        }\n`;
        }
        for (const tag of [...new Set(otherTags)].sort((a, b) => a - b)) {
          body += `        case ${tag}:\n          return r.fail('tagged-field', 'tag ${tag} is not valid in this version');\n`;
        }
        body += '        default:\n          (u ??= []).push(r.rawTagged(tag, end));\n      }\n    }\n';
      }
      body += `    const o: ${type} = { ${values.join(', ')} };\n    if (u !== undefined) o._unknownTaggedFields = u;\n    return o;\n`;
    } else {
      body += `    return { ${values.join(', ')} };\n`;
    }
    body += `  } catch (e) {\n    throw $.atField(e, FIELDS_${structName}, f);\n  }\n`;
    return this.emit('decode', `(r: $.Reader): ${type}`, body);
  }

  // ---- encoding

  private primitiveWrite(type: string, compact: boolean, nullable: boolean, expr: string): string {
    const n = nullable ? 'n' : '';
    const c = compact ? 'c' : '';
    switch (type) {
      case 'bool': return `w.bool(${expr})`;
      case 'int8': return `w.i8(${expr})`;
      case 'int16': return `w.i16(${expr})`;
      case 'uint16': return `w.u16(${expr})`;
      case 'int32': return `w.i32(${expr})`;
      case 'uint32': return `w.u32(${expr})`;
      case 'int64': return `w.i64(${expr})`;
      case 'float64': return `w.f64(${expr})`;
      case 'uuid': return `w.uuid(${expr})`;
      case 'string': return `w.${n}${c}str(${expr})`;
      case 'bytes': case 'records': return `w.${n}${c}bytes(${expr})`;
      default: throw new Error(`not a primitive: ${type}`);
    }
  }

  private writeField(field: FieldSchema, version: number, depth: number, indent: string): string {
    const compact = isFieldFlexible(this.message, field, version);
    const nullable = isNullable(field, version);
    const expr = `o.${field.name}`;
    if (field.array) {
      const element = this.isStruct(field)
        ? `${this.encoder(field.type, version, depth + 1)}(w, a[j]!)`
        : this.primitiveWrite(field.type, compact, false, 'a[j]!');
      return `${indent}{\n${indent}  const a = ${expr};\n${indent}  w.arrayLength(a, ${compact}, ${nullable});\n` +
        `${indent}  if (a !== null) { let j = 0; try { for (; j < a.length; j++) ${element}; } catch (e) { throw $.atIndex(e, j); } }\n${indent}}\n`;
    }
    if (this.isStruct(field)) {
      const write = `${this.encoder(field.type, version, depth + 1)}(w, ${expr})`;
      if (nullable) return `${indent}if (${expr} === null) w.i8(-1);\n${indent}else { w.i8(1); ${write}; }\n`;
      return `${indent}${write};\n`;
    }
    return `${indent}${this.primitiveWrite(field.type, compact, nullable, expr)};\n`;
  }

  encoder(structName: string, version: number, depth: number): string {
    if (depth > MAX_STRUCT_DEPTH) throw new Error(`${this.message.name}: nesting too deep`);
    const fields = this.fieldsOf(structName);
    const flexible = inRange(this.message.flexibleVersions, version);
    const taggedIndex = fields.length;
    let body = `  if (typeof o !== 'object' || o === null) throw new $.EncodeFault(\`\${String(o)} is not a ${structName}\`);\n` +
      '  let f = 0;\n  try {\n';
    const tagged: [FieldSchema, number][] = [];
    fields.forEach((field, i) => {
      if (!inRange(field.versions, version)) {
        if (field.ignorable) return;
        body += `    f = ${i}; if (${this.nonDefault(field, `o.${field.name}`)}) throw $.unsupportedField();\n`;
        return;
      }
      if (isTagged(field, version)) {
        tagged.push([field, i]);
        return;
      }
      body += `    f = ${i};${this.writeField(field, version, depth, '    ').slice(3)}`;
    });
    if (flexible) {
      body += `    f = ${taggedIndex};\n`;
      const knownTags = fields.filter((f) => inRange(f.versions, version) && isTagged(f, version)).map((f) => f.tag!).sort((a, b) => a - b);
      if (tagged.length === 0) {
        body += `    w.tagged(null, o._unknownTaggedFields, $.NO_TAGS);\n`;
      } else {
        body += '    const t: $.TaggedWrite[] = [];\n';
        for (const [field, i] of [...tagged].sort((a, b) => a[0].tag! - b[0].tag!)) {
          body += `    if (${this.nonDefault(field, `o.${field.name}`)}) t.push({ tag: ${field.tag}, write: (w) => {\n      f = ${i};\n` +
            this.writeField(field, version, depth, '      ') + '    } });\n';
        }
        body += `    w.tagged(t, o._unknownTaggedFields, [${knownTags.join(', ')}]);\n`;
      }
    } else {
      body += `    f = ${taggedIndex}; if (o._unknownTaggedFields !== undefined && o._unknownTaggedFields.length > 0) throw $.taggedInRigidVersion();\n`;
    }
    body += `  } catch (e) {\n    throw $.atField(e, FIELDS_${structName}, f);\n  }\n`;
    return this.emit('encode', `(w: $.Writer, o: ${this.typeName(structName)}): void`, body);
  }

  // ---- the file

  file(): string {
    const m = this.message;
    const [min, max] = m.validVersions;
    const decoders: string[] = [];
    const encoders: string[] = [];
    for (let v = min; v <= max; v++) {
      decoders.push(this.decoder(m.name, v, 1));
      encoders.push(this.encoder(m.name, v, 1));
    }
    const fieldNames = [[m.name, m.fields] as const, ...Object.values(m.structs).map((s) => [s.name, s.fields] as const)]
      .map(([name, fields]) => `const FIELDS_${name} = [${[...fields.map((f) => f.name), '_taggedFields'].map((n) => `'${n}'`).join(', ')}] as const;\n`)
      .join('');
    const data = dataTypeName(m);
    return [
      `// Generated by scripts/gen-wire.ts from Kafka's ${m.name}.json. Do not edit: run \`npm run gen:wire\`.\n`,
      `import * as $ from '../runtime.js';\n`,
      this.interfaces(),
      `export const schema: $.MessageSchema = ${schemaLiteral(m)};\n`,
      fieldNames,
      this.defaultFunctions(),
      this.functions.join('\n'),
      `export const ${m.name}: $.MessageCodec<${data}> = {\n  schema,\n` +
        `  decoders: [${decoders.join(', ')}],\n  encoders: [${encoders.join(', ')}],\n};\n`,
    ].filter((part) => part !== '').join('\n');
  }
}

function schemaLiteral(m: MessageSchema): string {
  const field = (f: FieldSchema): string => JSON.stringify(f);
  const fields = (list: readonly FieldSchema[], indent: string): string =>
    list.length === 0 ? '[]' : `[\n${list.map((f) => `${indent}  ${field(f)},\n`).join('')}${indent}]`;
  const head = { name: m.name, type: m.type, ...(m.apiKey !== undefined ? { apiKey: m.apiKey } : {}),
    ...(m.listeners !== undefined ? { listeners: m.listeners } : {}), validVersions: m.validVersions, flexibleVersions: m.flexibleVersions,
    ...(m.latestVersionUnstable === true ? { latestVersionUnstable: true } : {}) };
  const headText = JSON.stringify(head).slice(1, -1);
  const structs = Object.values(m.structs)
    .map((s) => `    ${s.name}: { name: '${s.name}', fields: ${fields(s.fields, '    ')} },\n`).join('');
  return `{\n  ${headText},\n  fields: ${fields(m.fields, '  ')},\n  structs: {${structs === '' ? '' : `\n${structs}  `}},\n}`;
}

export function generateMessage(message: MessageSchema): string {
  return new MessageGenerator(message).file();
}

// ---------------------------------------------------------------- the registry

export function generateIndex(messages: readonly MessageSchema[]): string {
  const imports = messages.map((m) => `import { ${m.name} } from './${m.name}.js';\n`).join('');
  const types = messages.map((m) => `export type { ${dataTypeName(m)} } from './${m.name}.js';\n`).join('');
  const list = (type: string): string => messages.filter((m) => m.type === type)
    .sort((a, b) => (a.apiKey ?? 0) - (b.apiKey ?? 0)).map((m) => `  ${m.name},\n`).join('');
  return `// Generated by scripts/gen-wire.ts. Do not edit: run \`npm run gen:wire\`.\n` +
    `import type { MessageCodec } from '../runtime.js';\n${imports}\n${types}\n` +
    `export { ${messages.map((m) => m.name).join(', ')} };\n\n` +
    `/** Request codecs, by API key order. */\nexport const requestCodecs: readonly MessageCodec<any>[] = [\n${list('request')}];\n\n` +
    `/** Response codecs, by API key order. */\nexport const responseCodecs: readonly MessageCodec<any>[] = [\n${list('response')}];\n\n` +
    `/** Headers and the other schemas that are not requests or responses (records, assignments). */\n` +
    `export const otherCodecs: readonly MessageCodec<any>[] = [\n${messages.filter((m) => m.type !== 'request' && m.type !== 'response').map((m) => `  ${m.name},\n`).join('')}];\n`;
}

/** Every generated file, by name: the whole output of the generator, for writing or for comparing. */
export function generateAll(messageDir: string): Map<string, string> {
  const messages = readSchemas(messageDir);
  const files = new Map<string, string>();
  for (const message of messages) files.set(`${message.name}.ts`, generateMessage(message));
  files.set('index.ts', generateIndex(messages));
  return files;
}

function main(): void {
  const messageDir = resolve(process.argv[2] ?? DEFAULT_MESSAGE_DIR);
  if (!existsSync(messageDir)) {
    process.stderr.write(`gen-wire: no schema directory ${messageDir} (pass Kafka's clients/src/main/resources/common/message)\n`);
    process.exit(2);
  }
  const files = generateAll(messageDir);
  rmSync(GENERATED_DIR, { recursive: true, force: true });
  mkdirSync(GENERATED_DIR, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(GENERATED_DIR, name), text);
  process.stdout.write(`gen-wire: ${files.size} files in ${GENERATED_DIR}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
