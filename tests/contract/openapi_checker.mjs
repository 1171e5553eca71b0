// Checks one recorded HTTP answer against an OpenAPI 3.1 document: the operation
// (or, for a path or method the document does not have, the 404/405 it describes
// for unknown routes), the status among the operation's declared responses, every
// header (required ones present, each present one declared and valid), the
// Content-Type among the declared media types, and the body against the schema.
// Schemas are validated by ajv (JSON Schema draft 2020-12, OpenAPI 3.1's dialect)
// with ajv-formats; nothing here judges a value by hand.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// Headers any HTTP answer may carry whatever the document says: framing and
// connection management (RFC 9110 §6, §7.6.1, RFC 9112) and the Date every
// origin server sends.
const TRANSPORT_HEADERS = new Set(["content-length", "content-type", "date", "connection",
  "transfer-encoding", "keep-alive"]);

// The document's info.description: every answer below the base path carries the
// rate-limit headers; routes outside it (and unknown paths there) do not.
const BASE_PATH = "/account/api/v1/";
const RATE_LIMIT_HEADERS = ["RateLimit-Policy", "RateLimit-Limit", "RateLimit-Remaining",
  "RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"];

const SHORTUUID = /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$/;
const ROOT_ID = "urn:closient:account-api";

// The document's "#/components/schemas/X" as a reference into one registered
// schema whose $defs are the components' schemas.
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")) {
      out[key] = `${ROOT_ID}#/$defs/${value.slice("#/components/schemas/".length)}`;
    } else {
      out[key] = rewriteRefs(value);
    }
  }
  return out;
}

function resolvePointer(document, ref) {
  if (!ref.startsWith("#/")) throw new Error(`unsupported $ref ${ref}`);
  let node = document;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === undefined || node === null || !(key in node)) throw new Error(`dangling $ref ${ref}`);
    node = node[key];
  }
  return node;
}

function header(headers, name) {
  const wanted = name.toLowerCase();
  const found = headers.filter(([key]) => key.toLowerCase() === wanted);
  return found.length === 0 ? undefined : found.map(([, value]) => value);
}

function mediaBase(type) {
  return (type ?? "").split(";")[0].trim().toLowerCase();
}

function isJsonMedia(type) {
  const base = mediaBase(type);
  return base === "application/json" || base.endsWith("+json");
}

export class OpenApiChecker {
  constructor(document) {
    this.document = document;
    this.ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: false });
    addFormats(this.ajv);
    this.ajv.addFormat("shortuuid", SHORTUUID);
    this.ajv.addSchema({ $id: ROOT_ID, $defs: rewriteRefs(document.components?.schemas ?? {}) });
    this.validators = new Map();
    // Path templates split into segments, for matching request paths.
    this.templates = Object.keys(document.paths ?? {}).map((template) => ({
      template,
      segments: template.split("/").slice(1),
    }));
  }

  deref(node) {
    let current = node;
    for (let depth = 0; current && current.$ref && depth < 10; ++depth) {
      current = resolvePointer(this.document, current.$ref);
    }
    return current;
  }

  validator(schema) {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema));
      this.validators.set(key, validate);
    }
    return validate;
  }

  // The template that matches a request path, as the server's router picks it:
  // same number of segments, literals equal, a parameter any non-empty segment;
  // a literal beats a parameter at the earliest differing segment.
  match(path) {
    const segments = path.split("/").slice(1);
    let best = null;
    for (const candidate of this.templates) {
      if (candidate.segments.length !== segments.length) continue;
      const fits = candidate.segments.every((segment, i) =>
        /^\{.+\}$/.test(segment) ? segments[i].length > 0 : segment === segments[i]);
      if (!fits) continue;
      if (best === null || this.moreSpecific(candidate, best)) best = candidate;
    }
    return best;
  }

  moreSpecific(a, b) {
    for (let i = 0; i < a.segments.length; ++i) {
      const aParam = /^\{.+\}$/.test(a.segments[i]);
      const bParam = /^\{.+\}$/.test(b.segments[i]);
      if (aParam !== bParam) return !aParam;
    }
    return false;
  }

  // Which part of the document describes this answer: {label, response} or a failure.
  describe(exchange) {
    const path = exchange.target.split("?")[0];
    const method = exchange.method.toLowerCase();
    const matched = this.match(path);
    const shared = this.document.components?.responses ?? {};
    // Unknown routes and methods are answered with the shared 404 and 405.
    const unmatched = (key) => {
      const response = structuredClone(this.deref(shared[key] ?? {}));
      if (!path.startsWith(BASE_PATH)) {
        for (const name of RATE_LIMIT_HEADERS) delete response.headers?.[name];
      }
      return response;
    };
    if (matched === null) {
      return { label: `${exchange.method} (no route)`, response: unmatched("NotFound"),
               expectStatus: 404 };
    }
    const operation = this.document.paths[matched.template][method];
    if (!operation) {
      return { label: `${exchange.method} ${matched.template} (no such method)`,
               response: unmatched("MethodNotAllowed"), expectStatus: 405 };
    }
    const status = String(exchange.status);
    const response = operation.responses?.[status] ??
                     operation.responses?.[`${status[0]}XX`] ?? operation.responses?.default;
    // HEAD answers with GET's headers and no body; the document leaves its success
    // without content, so GET's says which Content-Type the headers may name.
    const get = method === "head" ? this.document.paths[matched.template].get : undefined;
    const getResponse = get?.responses?.[status];
    return { label: `${operation.operationId} ${status}`, operation, response,
             headContent: getResponse ? this.deref(getResponse).content : undefined };
  }

  // Every way this answer departs from the document, as strings; [] when it conforms.
  check(exchange) {
    const failures = [];
    const fail = (message) => failures.push(message);
    const described = this.describe(exchange);
    if (described.expectStatus !== undefined && exchange.status !== described.expectStatus) {
      fail(`status ${exchange.status}: the document describes no such route, so only ` +
           `${described.expectStatus} is possible`);
      return { label: described.label, failures };
    }
    if (!described.response) {
      fail(`status ${exchange.status} is not among the operation's declared responses ` +
           `(${Object.keys(described.operation?.responses ?? {}).join(", ")})`);
      return { label: described.label, failures };
    }
    let response = this.deref(described.response);
    if (described.headContent && !response.content) {
      response = { ...response, content: described.headContent };
    }
    this.checkHeaders(exchange, response, fail);
    this.checkContent(exchange, response, fail);
    return { label: described.label, failures };
  }

  checkHeaders(exchange, response, fail) {
    const declared = new Map();
    for (const [name, definition] of Object.entries(response.headers ?? {})) {
      declared.set(name.toLowerCase(), { name, definition: this.deref(definition) });
    }
    for (const { name, definition } of declared.values()) {
      const values = header(exchange.headers, name);
      if (values === undefined) {
        if (definition.required) fail(`required header ${name} is missing`);
        continue;
      }
      if (values.length > 1) fail(`header ${name} is sent ${values.length} times`);
      if (!definition.schema) continue;
      const schema = this.deref(definition.schema);
      // A header is text; a number-typed schema is about the number it spells.
      let value = values[0];
      const type = schema.type;
      if ((type === "integer" || type === "number") && /^-?[0-9]+(\.[0-9]+)?$/.test(value)) {
        value = Number(value);
      }
      const validate = this.validator(definition.schema);
      if (!validate(value)) {
        fail(`header ${name}: ${JSON.stringify(values[0])} ${this.ajv.errorsText(validate.errors)}`);
      }
    }
    for (const [name] of exchange.headers) {
      const lower = name.toLowerCase();
      if (!declared.has(lower) && !TRANSPORT_HEADERS.has(lower)) {
        fail(`header ${name} is not declared for this response`);
      }
    }
  }

  checkContent(exchange, response, fail) {
    const content = response.content;
    const contentType = header(exchange.headers, "Content-Type")?.[0];
    const head = exchange.method.toUpperCase() === "HEAD";
    if (!content || Object.keys(content).length === 0) {
      if (!head && exchange.body.length > 0) fail(`a body is sent where none is declared`);
      if (contentType !== undefined && (head || exchange.body.length > 0)) {
        fail(`Content-Type ${contentType} is sent where no content is declared`);
      }
      return;
    }
    if (contentType === undefined) {
      fail(`Content-Type is missing; declared: ${Object.keys(content).join(", ")}`);
      return;
    }
    const mediaKey = Object.keys(content).find((key) => mediaBase(key) === mediaBase(contentType));
    if (mediaKey === undefined) {
      fail(`Content-Type ${contentType} is not among ${Object.keys(content).join(", ")}`);
      return;
    }
    if (head) return;  // HEAD: GET's headers, no body
    const schema = content[mediaKey].schema;
    if (!schema) return;
    let body = exchange.body;
    if (isJsonMedia(mediaKey)) {
      try {
        body = JSON.parse(exchange.body);
      } catch (error) {
        fail(`the body is not JSON: ${error.message}`);
        return;
      }
    }
    const validate = this.validator(schema);
    if (!validate(body)) {
      fail(`body: ${this.ajv.errorsText(validate.errors, { separator: "; " })}`);
    }
  }
}
