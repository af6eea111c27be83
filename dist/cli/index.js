import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 581:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(53);

process.exitCode = await (0,_cli_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .iW)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 53:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  iW: () => (/* binding */ main)
});

// UNUSED EXPORTS: COMMANDS, DEFAULT_CONFIG

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/lib/errors.ts
/**
 * Two kinds of failure, one per exit code of the CLI contract:
 * - UsageError (exit 2): the input is wrong. The message says what, where and what is allowed.
 * - CheckFailure (exit 1): the input is fine but a build, a budget or a gate failed.
 * Anything else that escapes is a bug or an environment fault and also exits 1.
 */
class UsageError extends Error {
    where;
    name = "UsageError";
    exitCode = 2;
    constructor(message, 
    /** Where the problem is: a file, optionally with field path and line. */
    where) {
        super(message);
        this.where = where;
    }
}
class CheckFailure extends Error {
    details;
    name = "CheckFailure";
    exitCode = 1;
    constructor(message, details) {
        super(message);
        this.details = details;
    }
}
function exitCodeOf(err) {
    if (err instanceof UsageError)
        return 2;
    return 1;
}
/** `file:line: field: message`, the form editors and GitHub annotations understand. */
function formatError(err) {
    if (err instanceof UsageError && err.where) {
        const w = err.where;
        const loc = [w.file, w.line !== undefined ? String(w.line) : undefined, w.column !== undefined ? String(w.column) : undefined]
            .filter((p) => p !== undefined)
            .join(":");
        // Messages that already start with their own location (one line per problem) print as they are.
        if (w.file && err.message.startsWith(w.file))
            return err.message;
        const field = w.field && !err.message.startsWith(w.field) ? `${w.field}: ` : "";
        return `${loc ? `${loc}: ` : ""}${field}${err.message}`;
    }
    if (err instanceof Error)
        return err.message;
    return String(err);
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./node_modules/zod/v4/core/util.js

// functions
function assertEqual(val) {
    return val;
}
function assertNotEqual(val) {
    return val;
}
function toZod() {
    return (schema) => schema;
}
function assertIs(_arg) { }
function assertNever(_x) {
    throw new Error("Unexpected value in exhaustive check");
}
function assert(_) { }
function getEnumValues(entries) {
    const numericValues = Object.values(entries).filter((v) => typeof v === "number");
    const values = Object.entries(entries)
        .filter(([k, _]) => numericValues.indexOf(+k) === -1)
        .map(([_, v]) => v);
    return values;
}
function joinValues(array, separator = "|") {
    return array.map((val) => stringifyPrimitive(val)).join(separator);
}
function jsonStringifyReplacer(_, value) {
    if (typeof value === "bigint")
        return value.toString();
    return value;
}
// the accessor lives on a shared prototype: an own accessor makes every box a dictionary-mode object (~360 B and a slow load per read against ~100 B and an inlined getter here)
class Cached {
    constructor(getter) {
        this._getter = getter;
        this._value = undefined;
    }
    get value() {
        const getter = this._getter;
        if (getter !== undefined) {
            this._value = getter();
            this._getter = undefined;
        }
        return this._value;
    }
}
function cached(getter) {
    return new Cached(getter);
}
function nullish(input) {
    return input === null || input === undefined;
}
function cleanRegex(source) {
    const start = source.startsWith("^") ? 1 : 0;
    const end = source.endsWith("$") ? source.length - 1 : source.length;
    return source.slice(start, end);
}
function floatSafeRemainder(val, step) {
    const ratio = val / step;
    const roundedRatio = Math.round(ratio);
    // `val` and `step` each round to a double before the division rounds again, so a true decimal multiple's quotient can sit up to 1.5 of these scaled epsilons from the integer. A 1x tolerance therefore rejected 2.03 as a multiple of 0.07; 4x covers the worst case with margin.
    const tolerance = 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
    if (Math.abs(ratio - roundedRatio) < tolerance)
        return 0;
    return ratio - roundedRatio;
}
const EVALUATING = /* @__PURE__*/ (/* unused pure expression or super */ null && (Symbol("evaluating")));
function defineLazy(object, key, getter) {
    let value = undefined;
    Object.defineProperty(object, key, {
        get() {
            if (value === EVALUATING) {
                // Circular reference detected, return undefined to break the cycle
                return undefined;
            }
            if (value === undefined) {
                value = EVALUATING;
                value = getter();
            }
            return value;
        },
        set(v) {
            Object.defineProperty(object, key, {
                value: v,
                // configurable: true,
            });
            // object[key] = v;
        },
        configurable: true,
    });
}
function objectClone(obj) {
    return Object.create(Object.getPrototypeOf(obj), Object.getOwnPropertyDescriptors(obj));
}
function util_assignProp(target, prop, value) {
    Object.defineProperty(target, prop, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
    });
}
/**
 * Whichever object a def's `shape` currently answers from: the one the caller passed until the first read, the frozen copy after it.
 *
 * Its keys and descriptors read without invoking anything, which is what lets a discriminated union check its discriminator, and the cycle walk read a shape, without resolving a getter that references the schema being constructed. A def that answers `shape` from an accessor of its own has none.
 */
function rawShape(def) {
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    return desc?.get ? desc.get.raw : desc?.value;
}
// where a builder reads its source's keys and descriptors, resolving only a shape a def answers for itself. A shape resolves by object spread, so only its enumerable keys are ever part of it.
function sourceShape(schema) {
    return rawShape(schema._zod.def) ?? schema._zod.def.shape;
}
// a key whose value is not settled yet, self-caching so every read after the first gets the same one
function deferProp(target, key, getter) {
    Object.defineProperty(target, key, {
        get() {
            const value = getter();
            util_assignProp(this, key, value);
            return value;
        },
        enumerable: true,
        configurable: true,
    });
}
// Writes a settled key. A plain assignment is much cheaper than `defineProperty` and produces the same descriptor, but it runs whatever setter already answers to the key — an accessor this shape deferred, or an inherited one, which `__proto__` has on every object and prototype pollution can add for any name.
function putProp(target, key, value) {
    if (key in target)
        util_assignProp(target, key, value);
    else
        target[key] = value;
}
/**
 * Copies `keys` of `source`'s shape onto `target`, each value passed through `wrap`.
 *
 * A key the source has resolved is copied through now, so the derived shape states it outright and nothing has to resolve it to learn what it holds. A key the source still defers stays deferred, and reads back through the source's own `shape`, so it resolves once and both shapes get that one schema.
 */
function mirrorShape(target, source, keys, wrap) {
    const raw = sourceShape(source);
    for (const key of keys) {
        const desc = Object.getOwnPropertyDescriptor(raw, key);
        if (!desc.enumerable)
            continue;
        if (desc.get) {
            deferProp(target, key, () => {
                const value = source._zod.def.shape[key];
                return wrap ? wrap(value, key) : value;
            });
        }
        else
            putProp(target, key, wrap ? wrap(desc.value, key) : desc.value);
    }
}
// same, for a plain shape a caller passed rather than a schema's
function mirrorProps(target, source) {
    for (const key of Reflect.ownKeys(source)) {
        const desc = Object.getOwnPropertyDescriptor(source, key);
        if (!desc.enumerable)
            continue;
        if (desc.get)
            deferProp(target, key, () => source[key]);
        else
            putProp(target, key, desc.value);
    }
}
function mergeDefs(...defs) {
    const mergedDescriptors = {};
    for (const def of defs) {
        const descriptors = Object.getOwnPropertyDescriptors(def);
        Object.assign(mergedDescriptors, descriptors);
    }
    return Object.defineProperties({}, mergedDescriptors);
}
function cloneDef(schema) {
    return mergeDefs(schema._zod.def);
}
function getElementAtPath(obj, path) {
    if (!path)
        return obj;
    return path.reduce((acc, key) => acc?.[key], obj);
}
function promiseAllObject(promisesObj) {
    const keys = Object.keys(promisesObj);
    const promises = keys.map((key) => promisesObj[key]);
    return Promise.all(promises).then((results) => {
        const resolvedObj = {};
        for (let i = 0; i < keys.length; i++) {
            resolvedObj[keys[i]] = results[i];
        }
        return resolvedObj;
    });
}
function randomString(length = 10) {
    const chars = "abcdefghijklmnopqrstuvwxyz";
    let str = "";
    for (let i = 0; i < length; i++) {
        str += chars[Math.floor(Math.random() * chars.length)];
    }
    return str;
}
function esc(str) {
    return JSON.stringify(str);
}
function slugify(input) {
    return input
        .toLowerCase()
        .trim()
        .replace(/[^\w\s-]/g, "")
        .replace(/[\s_-]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
const captureStackTrace = ("captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => { });
function util_isObject(data) {
    return typeof data === "object" && data !== null && !Array.isArray(data);
}
const util_allowsEval = /* @__PURE__*/ cached(() => {
    // Skip the probe under `jitless`: strict CSPs report the caught `new Function` as a `securitypolicyviolation` even though the throw is swallowed.
    if (globalConfig.jitless) {
        return false;
    }
    // @ts-ignore
    if (typeof navigator !== "undefined" && navigator?.userAgent?.includes("Cloudflare")) {
        return false;
    }
    try {
        const F = Function;
        new F("");
        return true;
    }
    catch (_) {
        return false;
    }
});
function isPlainObject(o) {
    if (util_isObject(o) === false)
        return false;
    // modified constructor
    const ctor = o.constructor;
    if (ctor === undefined)
        return true;
    if (typeof ctor !== "function")
        return true;
    // modified prototype
    const prot = ctor.prototype;
    if (util_isObject(prot) === false)
        return false;
    // ctor doesn't have static `isPrototypeOf`
    if (Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === false) {
        return false;
    }
    return true;
}
function shallowClone(o) {
    if (isPlainObject(o))
        return { ...o };
    if (Array.isArray(o))
        return [...o];
    if (o instanceof Map)
        return new Map(o);
    if (o instanceof Set)
        return new Set(o);
    return o;
}
function numKeys(data) {
    let keyCount = 0;
    for (const key in data) {
        if (Object.prototype.hasOwnProperty.call(data, key)) {
            keyCount++;
        }
    }
    return keyCount;
}
const getParsedType = (data) => {
    const t = typeof data;
    switch (t) {
        case "undefined":
            return "undefined";
        case "string":
            return "string";
        case "number":
            return Number.isNaN(data) ? "nan" : "number";
        case "boolean":
            return "boolean";
        case "function":
            return "function";
        case "bigint":
            return "bigint";
        case "symbol":
            return "symbol";
        case "object":
            if (Array.isArray(data)) {
                return "array";
            }
            if (data === null) {
                return "null";
            }
            if (data.then && typeof data.then === "function" && data.catch && typeof data.catch === "function") {
                return "promise";
            }
            if (typeof Map !== "undefined" && data instanceof Map) {
                return "map";
            }
            if (typeof Set !== "undefined" && data instanceof Set) {
                return "set";
            }
            if (typeof Date !== "undefined" && data instanceof Date) {
                return "date";
            }
            // @ts-ignore
            if (typeof File !== "undefined" && data instanceof File) {
                return "file";
            }
            return "object";
        default:
            throw new Error(`Unknown data type: ${t}`);
    }
};
const propertyKeyTypes = /* @__PURE__*/ new Set(["string", "number", "symbol"]);
const primitiveTypes = /* @__PURE__*/ new Set([
    "string",
    "number",
    "bigint",
    "boolean",
    "symbol",
    "undefined",
]);
function escapeRegex(str) {
    return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
// zod-specific utils
function clone(inst, def, params) {
    const cl = new inst._zod.constr(def ?? inst._zod.def);
    if (!def || params?.parent)
        cl._zod.parent = inst;
    return cl;
}
function normalizeParams(_params) {
    const params = _params;
    if (!params)
        return {};
    if (typeof params === "string")
        return { error: () => params };
    if (params?.message !== undefined) {
        if (params?.error !== undefined)
            throw new Error("Cannot specify both `message` and `error` params");
        params.error = params.message;
    }
    delete params.message;
    if (typeof params.error === "string")
        return { ...params, error: () => params.error };
    return params;
}
function createTransparentProxy(getter) {
    let target;
    return new Proxy({}, {
        get(_, prop, receiver) {
            target ?? (target = getter());
            return Reflect.get(target, prop, receiver);
        },
        set(_, prop, value, receiver) {
            target ?? (target = getter());
            return Reflect.set(target, prop, value, receiver);
        },
        has(_, prop) {
            target ?? (target = getter());
            return Reflect.has(target, prop);
        },
        deleteProperty(_, prop) {
            target ?? (target = getter());
            return Reflect.deleteProperty(target, prop);
        },
        ownKeys(_) {
            target ?? (target = getter());
            return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(_, prop) {
            target ?? (target = getter());
            return Reflect.getOwnPropertyDescriptor(target, prop);
        },
        defineProperty(_, prop, descriptor) {
            target ?? (target = getter());
            return Reflect.defineProperty(target, prop, descriptor);
        },
    });
}
function stringifyPrimitive(value) {
    if (typeof value === "bigint")
        return value.toString() + "n";
    if (typeof value === "string")
        return `"${value}"`;
    return `${value}`;
}
function optionalKeys(shape) {
    return Object.keys(shape).filter((k) => {
        return shape[k]._zod.optin !== undefined && shape[k]._zod.optout === "optional";
    });
}
// Wrapped in a `@__PURE__` IIFE: esbuild never tree-shakes a top-level initializer that contains a member access on `Number`, so the bare object literal survived into every bundle.
const NUMBER_FORMAT_RANGES = /*@__PURE__*/ (() => ({
    safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    int32: [-2147483648, 2147483647],
    uint32: [0, 4294967295],
    float32: [-3.4028234663852886e38, 3.4028234663852886e38],
    float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
}))();
const BIGINT_FORMAT_RANGES = {
    int64: [/* @__PURE__*/ BigInt("-9223372036854775808"), /* @__PURE__*/ BigInt("9223372036854775807")],
    uint64: [/* @__PURE__*/ BigInt(0), /* @__PURE__*/ BigInt("18446744073709551615")],
};
function pick(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".pick() cannot be used on object schemas containing refinements");
    }
    const newShape = {};
    mirrorShape(newShape, schema, maskedKeys(schema, mask));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
// the mask keys that select something, checked against the source's shape without resolving it
function maskedKeys(schema, mask) {
    const raw = sourceShape(schema);
    const keys = [];
    // `for...in` skips symbols, so a symbol in the mask would select nothing
    for (const key of Reflect.ownKeys(mask)) {
        if (!Object.getOwnPropertyDescriptor(raw, key)?.enumerable) {
            throw new Error(`Unrecognized key: "${String(key)}"`);
        }
        if (mask[key])
            keys.push(key);
    }
    return keys;
}
function omit(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".omit() cannot be used on object schemas containing refinements");
    }
    const omitted = new Set(maskedKeys(schema, mask));
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)).filter((key) => !omitted.has(key)));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
function extend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to extend: expected a plain object");
    }
    const checks = schema._zod.def.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        // Only throw if new shape overlaps with existing shape. Use getOwnPropertyDescriptor to check key existence without accessing values
        const existingShape = sourceShape(schema);
        for (const key of Reflect.ownKeys(shape)) {
            if (Object.getOwnPropertyDescriptor(existingShape, key) !== undefined) {
                throw new Error("Cannot overwrite keys on object schemas containing refinements. Use `.safeExtend()` instead.");
            }
        }
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
// the source's keys, then the caller's overlaid on top
function extended(schema, shape) {
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)));
    mirrorProps(newShape, shape);
    return newShape;
}
function safeExtend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to safeExtend: expected a plain object");
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
function merge(a, b) {
    if (!b?._zod?.def) {
        throw new Error("Invalid input to merge: expected an object schema. To merge a plain shape, use `.extend()`.");
    }
    if (a._zod.def.checks?.length) {
        throw new Error(".merge() cannot be used on object schemas containing refinements. Use .safeExtend() instead.");
    }
    const newShape = {};
    mirrorShape(newShape, a, Reflect.ownKeys(sourceShape(a)));
    mirrorShape(newShape, b, Reflect.ownKeys(sourceShape(b)));
    const def = mergeDefs(a._zod.def, {
        shape: newShape,
        get catchall() {
            return b._zod.def.catchall;
        },
        checks: b._zod.def.checks ?? [],
    });
    return clone(a, def);
}
function partial(Class, schema, mask, name = "partial") {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(`.${name}() cannot be used on object schemas containing refinements`);
    }
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), Class &&
        ((value, key) => (selected && !selected.has(key) ? value : new Class({ type: "optional", innerType: value }))));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape, checks: [] }));
}
function required(Class, schema, mask) {
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), (value, key) => 
    // overwrite with non-optional
    selected && !selected.has(key) ? value : new Class({ type: "nonoptional", innerType: value }));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape }));
}
// invalid_type | too_big | too_small | invalid_format | not_multiple_of | unrecognized_keys | invalid_union | invalid_key | invalid_element | invalid_value | custom
function aborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue !== true) {
            return true;
        }
    }
    return false;
}
// Checks for explicit abort (continue === false), as opposed to implicit abort (continue === undefined). Used to respect `abort: true` in .refine() even for checks that have a `when` function.
function explicitlyAborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue === false) {
            return true;
        }
    }
    return false;
}
function prefixIssues(path, issues) {
    return issues.map((iss) => {
        var _a;
        (_a = iss).path ?? (_a.path = []);
        iss.path.unshift(path);
        return iss;
    });
}
function unwrapMessage(message) {
    return typeof message === "string" ? message : message?.message;
}
/* A check holds no link back to the schema it is attached to — the same check instance is shared by every clone of that schema — so the owner is stamped onto the issues a check just raised, at the only point where both are in scope. Runs on the failure path only; `start` is the issue count from before the check ran. */
/** The leading size checks of `defChecks` that set an upper bound, each paired with it. */
function sizeCaps(defChecks) {
    const caps = [];
    for (const ch of defChecks ?? []) {
        const d = ch._zod.def;
        // a later check may rewrite the value
        if (!/_(length|size)$|_equals$/.test(d.check))
            break;
        const max = d.maximum ?? d.length ?? d.size;
        if (max >= 0)
            caps.push([max, ch]);
    }
    return caps;
}
function attachSchema(issues, start, inst) {
    var _a;
    for (let i = start; i < issues.length; i++) {
        (_a = issues[i]).schema ?? (_a.schema = inst);
    }
}
function finalizeIssue(iss, ctx, config) {
    var _a;
    // A schema that raised an issue itself owns it outright, and outranks any stamp an enclosing check left in `attachSchema`. String formats and z.custom() are schema and check at once, so when they act as a check they defer to that stamp instead.
    const traits = iss.inst?._zod?.traits;
    if (traits?.has("$ZodType")) {
        if (traits.has("$ZodCheck"))
            (_a = iss).schema ?? (_a.schema = iss.inst);
        else
            iss.schema = iss.inst;
    }
    // Decreasing specificity, first map to return a message wins. `inst` is whatever raised the issue, so a check's own map outranks the owning schema's.
    const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : undefined;
    const message = iss.message
        ? iss.message
        : (unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ??
            unwrapMessage(schemaError?.(iss)) ??
            unwrapMessage(ctx?.error?.(iss)) ??
            unwrapMessage(config.customError?.(iss)) ??
            unwrapMessage(config.localeError?.(iss)) ??
            "Invalid input");
    // an explicit own-key copy beats object rest with excluded keys, which v8 routes through a generic runtime call; Object.keys rather than for-in so an issue pushed with a prototype does not leak inherited keys, and an own __proto__ key is dropped rather than assigned through the setter
    const full = {};
    for (const k of Object.keys(iss)) {
        if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
            continue;
        full[k] = iss[k];
    }
    full.path ?? (full.path = []);
    full.message = message;
    if (ctx?.reportInput) {
        full.input = iss.input;
    }
    return full;
}
function getSizableOrigin(input) {
    if (input instanceof Set)
        return "set";
    if (input instanceof Map)
        return "map";
    // @ts-ignore
    if (input instanceof File)
        return "file";
    return "unknown";
}
const highSurrogate = /[\uD800-\uDBFF]/;
// Code points in `str`: a surrogate pair counts once, a lone surrogate as itself. Hand-rolled because the string iterator allocates and runs ~250x slower on this path; the regex probe exits ~50x quicker for a string with no astral characters.
function codePointLength(str) {
    const units = str.length;
    if (!highSurrogate.test(str))
        return units;
    let count = units;
    for (let i = 0; i < units - 1; i++) {
        if ((str.charCodeAt(i) & 0xfc00) === 0xd800 && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            count--;
            i++;
        }
    }
    return count;
}
function getLengthableOrigin(input) {
    if (Array.isArray(input))
        return "array";
    if (typeof input === "string")
        return "string";
    return "unknown";
}
function parsedType(data) {
    const t = typeof data;
    switch (t) {
        case "number": {
            return Number.isNaN(data) ? "nan" : "number";
        }
        case "object": {
            if (data === null) {
                return "null";
            }
            if (Array.isArray(data)) {
                return "array";
            }
            const obj = data;
            if (obj && Object.getPrototypeOf(obj) !== Object.prototype && "constructor" in obj && obj.constructor) {
                return obj.constructor.name;
            }
        }
    }
    return t;
}
function util_issue(...args) {
    const [iss, input, inst] = args;
    if (typeof iss === "string") {
        return {
            message: iss,
            code: "custom",
            input,
            inst,
        };
    }
    return { ...iss };
}
function cleanEnum(obj) {
    return Object.entries(obj)
        .filter(([k, _]) => {
        // return true if NaN, meaning it's not a number, thus a string key
        return Number.isNaN(Number.parseInt(k, 10));
    })
        .map((el) => el[1]);
}
// Codec utility functions
function base64ToUint8Array(base64) {
    const binaryString = atob(base64);
    const bytes = new Uint8Array(binaryString.length);
    for (let i = 0; i < binaryString.length; i++) {
        bytes[i] = binaryString.charCodeAt(i);
    }
    return bytes;
}
function uint8ArrayToBase64(bytes) {
    let binaryString = "";
    for (let i = 0; i < bytes.length; i++) {
        binaryString += String.fromCharCode(bytes[i]);
    }
    return btoa(binaryString);
}
function base64urlToUint8Array(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padding = "=".repeat((4 - (base64.length % 4)) % 4);
    return base64ToUint8Array(base64 + padding);
}
function uint8ArrayToBase64url(bytes) {
    return uint8ArrayToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}
function hexToUint8Array(hex) {
    const cleanHex = hex.replace(/^0x/, "");
    if (cleanHex.length % 2 !== 0) {
        throw new Error("Invalid hex string length");
    }
    const bytes = new Uint8Array(cleanHex.length / 2);
    for (let i = 0; i < cleanHex.length; i += 2) {
        bytes[i / 2] = Number.parseInt(cleanHex.slice(i, i + 2), 16);
    }
    return bytes;
}
function uint8ArrayToHex(bytes) {
    return Array.from(bytes)
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
}
// instanceof
class Class {
    constructor(..._args) { }
}
//////////    PROTOTYPE INSTALLERS     //////////
//
// Members live on the prototype and materialize per instance on first read, which keeps own-property count under the step where V8 stops using inline slots. Changing anything here means re-measuring runtime, memory and bundle size together — see "The three axes" in AGENTS.md.
/**
 * Installs a trait's members on its prototype. Each value builds that member for the instance on first read; the built value shadows the accessor as an own property, so a detached `const { parse } = schema` keeps working.
 *
 * Call this from a `proto` initializer, which runs once per prototype — never per instance.
 */
function members(proto, table) {
    for (const key in table) {
        const desc = Object.getOwnPropertyDescriptor(table, key);
        // a getter installs as written, so it stays live: `description` reads through to the registry on every access. not enumerable: an object literal's is, and a prototype member never was
        if (desc.get)
            Object.defineProperty(proto, key, { ...desc, enumerable: false });
        // a method materializes bound on first read, which is what keeps a detached member working: `const opt = schema.optional; opt()`
        else
            defineBound(proto, key, desc.value);
    }
}
/** Shadows a prototype member with an own value, so a getter that builds from the instance runs once. */
function own(inst, key, value, enumerable = true) {
    Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
    return value;
}
/** Like {@link own}, for a member that was never an own data property and has to stay out of `Object.keys`. */
function hide(inst, key, value) {
    return own(inst, key, value, false);
}
/** Adds members a table derives from the instance: each builds on first read and shadows as own data, and assignment shadows the same way, as when these were own properties. */
function derived(computes, table) {
    for (const key in computes) {
        const compute = computes[key];
        // an object literal's accessor is configurable and enumerable, and `members` copies the descriptor as written
        Object.defineProperty(table, key, {
            configurable: true,
            enumerable: true,
            get() {
                return own(this, key, compute(this));
            },
            set(value) {
                own(this, key, value);
            },
        });
    }
    return table;
}
function defineBound(proto, key, fn) {
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // vitest's spyOn calls a prototype getter bare to find the function it wraps, so a nullish receiver answers the raw method
            return this == null ? fn : own(this, key, fn.bind(this));
        },
        set(value) {
            own(this, key, value);
        },
    });
}
/** Returns the prototype to install on, or `undefined` if this group is already installed on it. */
function claim(inst, sentinel) {
    const proto = Object.getPrototypeOf(inst);
    // Runs on every construction, so `in` rather than the costlier `hasOwnProperty.call`. Sentinels are keys the group itself defines.
    return sentinel in proto ? undefined : proto;
}
// The internals whose init chain is installing. A second call for the same one is a derived constructor overriding its base, so it must not construct another schema in between or the override is dropped.
let installing;
// Set while a getter is running, so a value that resolved through a recursion break is not memoized. One shared descriptor shadows the key for the duration, which costs no per-key allocation.
let broke = false;
const breaker = {
    configurable: true,
    get() {
        broke = true;
        return undefined;
    },
};
/**
 * Installs a lazily-derived internal on the `_zod` prototype of `inst`'s
 * constructor, computed from the internals object itself and cached there on
 * first read. One accessor per constructor rather than one per instance.
 */
function defineLazyInternal(inst, key, compute) {
    const proto = Object.getPrototypeOf(inst._zod);
    if (key in proto && installing !== inst._zod) {
        // A repeat construction: everything is installed already. Cleared here so the reference is not held past the first construction of every type.
        installing = undefined;
        return;
    }
    installing = inst._zod;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing so a re-entrant read from a recursive schema resolves to undefined instead of running the getter again.
            Object.defineProperty(this, key, breaker);
            const outer = broke;
            broke = false;
            try {
                const value = compute(this);
                // A result that resolved through a recursion break is recomputed once the graph is complete; everything else memoizes, undefined included.
                if (broke)
                    delete this[key];
                else
                    Object.defineProperty(this, key, { configurable: true, writable: true, value });
                broke = broke || outer;
                return value;
            }
            catch (err) {
                // A compute that threw memoizes nothing, so a later read runs it again and fails the same way. The shadow goes with it, since leaving it installed would answer undefined for every later read.
                delete this[key];
                broke = broke || outer;
                throw err;
            }
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, value });
        },
    });
}
/**
 * Installs `key` on `inst`'s prototype, computed by `make` on first read and cached there as an own
 * data property. One accessor per constructor rather than one per instance, because an own accessor
 * puts every instance after the first into v8 dictionary mode. The key doubles as the sentinel.
 */
function installLazyProp(inst, key, make, enumerable) {
    const proto = claim(inst, key);
    if (!proto)
        return;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing, so a re-entrant read from a self-referential shape resolves to undefined instead of running the getter again. A data property rather than an accessor: an own accessor is the dictionary-mode transition this exists to avoid.
            const desc = { configurable: true, writable: true, enumerable, value: undefined };
            Object.defineProperty(this, key, desc);
            // a compute that throws leaves the shadow behind, so later reads answer undefined instead of re-throwing; `defineLazy` did the same, and `defineLazyInternal`'s delete-on-catch would cost bytes in every bundle for a case only a throwing user getter reaches
            desc.value = make(this);
            Object.defineProperty(this, key, desc);
            return desc.value;
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, enumerable, value });
        },
    });
}
/** Marks the thunk `_catch` synthesises for a constant catch value. `Function.length` cannot tell that thunk from a user callback — rest and defaulted parameters both report arity 0 — and a user callback reads `ctx.error`, whose issues only finalize correctly against the caller's per-parse error map. Provenance can say what arity cannot. A plain string key rather than `Symbol.for`, whose call at module scope no bundler can prove pure — the same shape that anchored `urlCanParse` into every build. */
const CONSTANT_CATCH = "~constantCatch";
/** Wraps a constant catch value in a thunk tagged with {@link CONSTANT_CATCH}. */
function constantCatch(value) {
    const fn = () => value;
    fn[CONSTANT_CATCH] = true;
    return fn;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/core.js
var _a;

/** A special constant with type `never` */
const NEVER = /*@__PURE__*/ Object.freeze({
    status: "aborted",
});
/* Shared descriptor for installing `_zod`; defineProperty reads it
 * synchronously, so reusing one object avoids a per-instance allocation. */
const _zodDesc = { value: undefined, enumerable: false };
// null where suppressing the capture would be unrecoverable: `parse()` puts the frames back with `captureStackTrace`, so without it the throw would lose its stack. also latched to null once `stackTraceLimit` proves unassignable, which a realm can do at any point by hardening Error
let _E = "captureStackTrace" in Error ? Error : null;
// v8 captures a stack trace inside the Error constructor, which dominates a failed parse; costs only the frames, and parse() restores those. the constructor must RUN: Object.create is cheaper and passes instanceof, but Error.isError and util.types.isNativeError check an internal slot
function newError(Definition) {
    const E = _E;
    if (E) {
        const saved = E.stackTraceLimit;
        if (typeof saved === "number") {
            try {
                E.stackTraceLimit = 0;
            }
            catch {
                _E = null;
                return new Definition();
            }
            try {
                return new Definition();
            }
            finally {
                E.stackTraceLimit = saved;
            }
        }
    }
    return new Definition();
}
function $constructor(name, initializer, 
/** This trait's members, installed once on every prototype that composes it. They cannot be declared in the initializer above: that runs per instance, and the prototype is shared. */
proto, params) {
    // Prototype for this constructor's `_zod` internals. Lazily-derived fields (`values`, `pattern`, `optin`, …) install here once rather than as an accessor on every instance.
    const zodProto = {};
    // Assigning the fields in the constructor body is what gives instances in-object slots; building the object literally and reparenting it costs a second allocation and a generic property copy.
    function Internals(def) {
        this.def = def;
        this.constr = _;
        this.traits = new Set();
    }
    Internals.prototype = zodProto;
    const protoMembers = proto;
    // One trait's members land on every prototype whose chain composes it, so the answer is per prototype rather than per trait.
    const initialized = protoMembers && new WeakSet();
    function init(inst, def) {
        if (!inst._zod) {
            _zodDesc.value = new Internals(def);
            try {
                Object.defineProperty(inst, "_zod", _zodDesc);
            }
            finally {
                // Cleared even on throw, so the shared descriptor never leaks one instance's internals into the next.
                _zodDesc.value = undefined;
            }
        }
        else if (inst._zod.traits.has(name)) {
            return;
        }
        inst._zod.traits.add(name);
        initializer(inst, def);
        if (initialized) {
            // `super(def)` from a user subclass gives `this` a prototype the subclass owns, and installing there would overwrite whatever the subclass declared. `constr` built the instance, so its prototype is the one below the subclass's that should carry the members. A receiver whose chain never reaches that prototype installs on its own, which for a plain object handed straight to `init` means `Object.prototype` — unchanged from before.
            const own = Object.getPrototypeOf(inst);
            const ctorProto = inst._zod.constr.prototype;
            let up = own;
            while (up && up !== ctorProto)
                up = Object.getPrototypeOf(up);
            const target = up ?? own;
            if (!initialized.has(target)) {
                initialized.add(target);
                members(target, protoMembers);
            }
        }
        // support prototype modifications; for-in avoids the array allocation of Object.keys on the (usually empty) prototype
        const proto = _.prototype;
        for (const k in proto) {
            if (!Object.prototype.hasOwnProperty.call(proto, k))
                continue;
            if (!(k in inst)) {
                inst[k] = proto[k].bind(inst);
            }
        }
    }
    // doesn't work if Parent has a constructor with arguments
    const Parent = params?.Parent ?? Object;
    class Definition extends Parent {
    }
    Object.defineProperty(Definition, "name", { value: name });
    function _(def) {
        const inst = params?.Parent ? newError(Definition) : this;
        init(inst, def);
        const deferred = inst._zod.deferred;
        if (deferred) {
            for (const fn of deferred) {
                fn();
            }
            // Released: initializers run once, and the list would otherwise be retained for the schema's lifetime.
            inst._zod.deferred = undefined;
        }
        // Global post-processor hook. Internal: installed by `import "zod/compile"` to enable AOT compilation for every constructed schema. Runs last, once the instance is fully built, because it hands the instance to compile(). The post-processor is expected to be reentrancy-guarded by its own implementation.
        const pp = globalThis.__zod_globalConfig?.postProcessor;
        if (pp)
            pp(inst);
        return inst;
    }
    Object.defineProperty(_, "init", { value: init });
    Object.defineProperty(_, Symbol.hasInstance, {
        value: (inst) => {
            if (params?.Parent && inst instanceof params.Parent)
                return true;
            return inst?._zod?.traits?.has(name);
        },
    });
    Object.defineProperty(_, "name", { value: name });
    return _;
}
//////////////////////////////   UTILITIES   ///////////////////////////////////////
const $brand = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("zod_brand")));
class $ZodAsyncError extends Error {
    constructor() {
        super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
    }
}
class $ZodEncodeError extends Error {
    constructor(name) {
        super(`Encountered unidirectional transform during encode: ${name}`);
        this.name = "ZodEncodeError";
    }
}
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
const globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
    if (newConfig)
        Object.assign(globalConfig, newConfig);
    return globalConfig;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/memoizer.js

class $ZodCyclicError extends Error {
    constructor() {
        super(`Cannot parse a reference cycle that closes through a transform`);
        this.name = "ZodCyclicError";
    }
}
/** Keyed off the context object every schema in one parse call already shares. */
const STATE = "~memo";
const NO_ISSUES = [];
// a value a cycle can close through
function isRef(value) {
    return value !== null && typeof value === "object";
}
// Receivers prefix paths in place, so the cache and every hand-out need their own copies.
function cloneIssues(issues) {
    return issues.map((iss) => (iss.path ? { ...iss, path: iss.path.slice() } : { ...iss }));
}
const recursive = /*@__PURE__*/ new WeakMap();
/** What the walk established, in order of certainty: ordered so the strongest answer among children wins. */
const NONE = 0;
const ASSUMED = 1;
const PROVEN = 2;
/** Whether this schema's subtree contains a cycle, so one parse can re-enter it. */
function isRecursive(inst, stack, resolve) {
    const cached = recursive.get(inst);
    if (cached !== undefined)
        return cached ? PROVEN : NONE;
    // Relative to the walk in progress, so not cached.
    if (stack.has(inst))
        return PROVEN;
    stack.add(inst);
    let result = NONE;
    const check = (child) => {
        if (result !== PROVEN && child?._zod) {
            const answer = isRecursive(child, stack, resolve);
            if (answer > result)
                result = answer;
        }
    };
    // `Reflect.ownKeys` rather than `Object.keys`, so a cycle through a declared symbol key is still seen
    const shape = (sh, spread) => {
        let answer = NONE;
        for (const key of Reflect.ownKeys(sh)) {
            const desc = Object.getOwnPropertyDescriptor(sh, key);
            // an object resolves its shape by spread, so a key it does not enumerate is never parsed; `z.properties` reads every own key and so keeps them all
            if (spread && !desc.enumerable)
                continue;
            // resolving runs user code, and a factory mints a fresh subtree per read, so an edge the walk can't follow counts as a cycle
            const child = desc.get ? ASSUMED : desc.value?._zod ? isRecursive(desc.value, stack, resolve) : NONE;
            if (child > answer)
                answer = child;
        }
        return answer;
    };
    const merge = (answer) => {
        if (answer > result)
            result = answer;
    };
    const def = inst._zod.def;
    const kind = def.type;
    switch (kind) {
        case "object": {
            const raw = rawShape(def);
            // a def with no raw shape answers `shape` from an accessor of its own, and running that can mint a whole fresh subtree
            merge(raw ? shape(raw, true) : ASSUMED);
            check(def.catchall);
            break;
        }
        case "array":
            check(def.element);
            break;
        case "tuple":
            for (const el of def.items)
                check(el);
            check(def.rest);
            break;
        case "record":
        case "map":
            check(def.keyType);
            check(def.valueType);
            break;
        case "set":
            check(def.valueType);
            break;
        case "union":
            for (const el of def.options)
                check(el);
            break;
        case "intersection":
            check(def.left);
            check(def.right);
            break;
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "catch":
        case "readonly":
        case "nonoptional":
        case "promise":
        case "success":
            check(def.innerType);
            break;
        case "pipe":
            check(def.in);
            check(def.out);
            break;
        case "function":
            check(def.input);
            check(def.output);
            break;
        // `$ZodLazy` caches its inner on the def, so a resolved edge is followed exactly
        case "lazy": {
            const inner = def._cachedInner ?? (resolve ? inst._zod.innerType : undefined);
            // walked with resolution off: one hop sees past the deferral, and a lazy that yields only another unresolved lazy is generative, so it stops there
            merge(inner ? isRecursive(inner, stack, false) : ASSUMED);
            break;
        }
        // a leaf by choice: `parts` are regex fragments, not data positions
        case "template_literal":
        // leaves
        case "string":
        case "number":
        case "int":
        case "boolean":
        case "bigint":
        case "symbol":
        case "undefined":
        case "null":
        case "void":
        case "never":
        case "any":
        case "unknown":
        case "date":
        case "nan":
        case "enum":
        case "literal":
        case "file":
        case "transform":
        case "custom":
            break;
        default: {
            // a new built-in kind becomes a compile error here
            kind;
            // a user-defined kind can still hold children, and only its author knows where, so fall back to scanning the def — skipping accessors, since reading one can run user code
            for (const key in def) {
                const desc = Object.getOwnPropertyDescriptor(def, key);
                if (!desc || desc.get)
                    continue;
                const value = desc.value;
                if (!value || typeof value !== "object")
                    continue;
                if (value._zod)
                    check(value);
                else if (Array.isArray(value))
                    for (const el of value)
                        check(el);
            }
        }
    }
    stack.delete(inst);
    return settle(inst, result);
}
/** An assumed answer must not outlive the resolution that settles it, so only a certain one is cached. */
function settle(inst, answer) {
    if (answer !== ASSUMED)
        recursive.set(inst, answer === PROVEN);
    return answer;
}
/**
 * Whether one parse can re-enter this schema, i.e. its subtree contains a cycle.
 * Exported for `z.compile`, which refuses to compile such a schema: cycle
 * breaking is driven from here off state keyed on the parse context, and a
 * generated fast path has no context to key on.
 */
function isRecursiveSchema(inst) {
    // z.compile never parses, so nothing would ever resolve a lazy for it; it runs once and already treats a throw here as recursive
    return isRecursive(inst, new Set(), true) !== NONE;
}
function bucketFor(state, inst) {
    let bucket = state.buckets.get(inst);
    if (!bucket) {
        bucket = new WeakMap();
        state.buckets.set(inst, bucket);
    }
    return bucket;
}
// Set immediately before delegating to core and cleared immediately after, so `alloc` registers only for a visit this module is driving.
let handoff;
// Allocated but unfinished entries. `alloc` and the matching pop both happen in the synchronous part of a parse, so they nest even when children are async, and one stack serves every schema.
const memoizer_open = [];
const memo = {
    alloc(_inst, payload, empty) {
        const bucket = handoff;
        if (!bucket)
            return empty;
        handoff = undefined;
        const entry = { value: empty, issues: null };
        bucket.set(payload.value, entry);
        memoizer_open.push(entry);
        return empty;
    },
    guard(inst) {
        var _a;
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                // The value is a placeholder a back-edge is still waiting on, so the cycle closes through this transform. Its output can't exist in time to bind.
                if (ctx.direction !== "backward" && isBackEdge(ctx, payload.value))
                    throw new $ZodCyclicError();
                return base(payload, ctx);
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
    attach(inst) {
        var _a;
        let isRecursiveInst;
        let rechecked = false;
        // a recursive schema is re-entered many times per parse and its bucket never changes
        let lastCtx;
        let lastBucket;
        // Wraps `parse` in a deferred so it sees the container's final parse. Core's own deferred copies `parse` into `run` when there are no checks, and it ran first, so `run` is patched to match; with checks, `run` reads `parse` dynamically.
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                if (isRecursiveInst === undefined) {
                    const walked = isRecursive(inst, new Set(), false);
                    if (walked === NONE) {
                        // Nothing here can ever fire, so take it back out.
                        inst._zod.parse = base;
                        if (inst._zod.run === wrapped)
                            inst._zod.run = base;
                        return base(payload, ctx);
                    }
                    // this parse resolves the deferred edges on its own path, so ask once more before latching
                    if (walked === PROVEN || rechecked)
                        isRecursiveInst = true;
                    else
                        rechecked = true;
                }
                const input = payload.value;
                if (!isRef(input))
                    return base(payload, ctx);
                let state = ctx[STATE];
                if (!state) {
                    state = { buckets: new WeakMap(), backEdges: undefined };
                    ctx[STATE] = state;
                }
                let bucket;
                if (lastCtx === ctx) {
                    bucket = lastBucket;
                }
                else {
                    bucket = bucketFor(state, inst);
                    lastCtx = ctx;
                    lastBucket = bucket;
                }
                const hit = bucket.get(input);
                if (hit) {
                    payload.value = hit.value;
                    if (hit.issues) {
                        if (hit.issues.length)
                            payload.issues.push(...cloneIssues(hit.issues));
                    }
                    else {
                        // Still being parsed: its own checks cover it, so skip them here.
                        payload.memo = true;
                        state.backEdges ?? (state.backEdges = new WeakSet());
                        state.backEdges.add(hit.value);
                    }
                    return payload;
                }
                handoff = bucket;
                const depth = memoizer_open.length;
                const result = base(payload, ctx);
                handoff = undefined;
                // A container that rejected its input outright allocated nothing.
                const entry = memoizer_open.length > depth ? memoizer_open.pop() : undefined;
                // Both paths written out so the sync one allocates no closure. It runs once per node, and capturing here cost more than everything else combined.
                if (result instanceof Promise) {
                    return result.then((r) => {
                        if (entry)
                            entry.issues = r.issues.length ? cloneIssues(r.issues) : NO_ISSUES;
                        return r;
                    });
                }
                if (entry)
                    entry.issues = result.issues.length ? cloneIssues(result.issues) : NO_ISSUES;
                return result;
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
};
/** The memoizer that gives containers cycle support. `zod` installs it by default; `zod/mini` opts in with `config({ memoizer: memoizer() })`. */
function memoizer() {
    return memo;
}
/** Whether this value is a node a back-edge resolved to before it finished. */
function isBackEdge(ctx, value) {
    const backEdges = ctx[STATE]?.backEdges;
    return backEdges !== undefined && isRef(value) && backEdges.has(value);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/regexes.js

/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const cuid = /^[cC][0-9a-z]{6,}$/;
const cuid2 = /^[0-9a-z]+$/;
const ulid = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
const xid = /^[0-9a-vA-V]{20}$/;
const ksuid = /^[A-Za-z0-9]{27}$/;
const nanoid = /^[a-zA-Z0-9_-]{21}$/;
function nanoidOfLength(length) {
    return new RegExp(`^[a-zA-Z0-9_-]{${length}}$`);
}
/** ISO 8601-1 duration regex. Does not support the 8601-2 extensions like negative durations or fractional/negative components. */
const duration = /^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$/;
/** Implements ISO 8601-2 extensions like explicit +- prefixes, mixing weeks with other units, and fractional/negative components. */
const extendedDuration = /^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$/;
/** A regex for any UUID-like identifier: 8-4-4-4-12 hex pattern */
const guid = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Returns a regex for validating an RFC 9562/4122 UUID.
 *
 * @param version Optionally specify a version 1-8. If no version is specified, all versions are supported. */
const uuid = (version) => {
    if (!version)
        return /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
    return new RegExp(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-${version}[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$`);
};
const uuid4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(4)));
const uuid6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(6)));
const uuid7 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(7)));
/** Practical email validation */
const email = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
/** Equivalent to the HTML5 input[type=email] validation implemented by browsers. Source: https://developer.mozilla.org/en-US/docs/Web/HTML/Element/input/email */
const html5Email = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** The classic emailregex.com regex for RFC 5322-compliant emails */
const rfc5322Email = /^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
/** A loose regex that allows Unicode characters, enforces length limits, and that's about it. */
const unicodeEmail = /^[^\s@"]{1,64}@[^\s@]{1,255}$/u;
const idnEmail = (/* unused pure expression or super */ null && (unicodeEmail));
const browserEmail = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// from https://thekevinscott.com/emojis-in-javascript/#writing-a-regular-expression
// Single character class, not an alternation: the two properties overlap (U+1F9B0-U+1F9B3), so `(A|B)+` backtracks exponentially on a failed match. The leading lookahead then demands one anchor — a pictograph, a regional indicator, or the enclosing keycap — because `\p{Emoji_Component}` on its own covers ASCII digits, `#`, `*`, ZWJ, variation selectors and skin tone modifiers, none of which is an emoji without a base.
const _emoji = `^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$`;
function emoji() {
    return new RegExp(_emoji, "u");
}
const ipv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const ipv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$/;
const mac = (delimiter) => {
    const escapedDelim = util.escapeRegex(delimiter ?? ":");
    return new RegExp(`^(?:[0-9A-F]{2}${escapedDelim}){5}[0-9A-F]{2}$|^(?:[0-9a-f]{2}${escapedDelim}){5}[0-9a-f]{2}$`);
};
const cidrv4 = /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\/([0-9]|[1-2][0-9]|3[0-2])$/;
const cidrv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;
// https://stackoverflow.com/questions/7860392/determine-if-string-is-in-base64-using-javascript
const base64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;
const base64url = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;
// based on https://stackoverflow.com/questions/106179/regular-expression-to-match-dns-hostname-or-ip-address
// export const hostname: RegExp = /^([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+$/;
const hostname = /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/;
const domain = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const httpProtocol = /^https?$/;
// https://blog.stevenlevithan.com/archives/validate-phone-number#r4-3 (regex sans spaces) E.164: leading digit must be 1-9; total digits (excluding '+') between 7-15
const e164 = /^\+[1-9]\d{6,14}$/;
// Credit card shape: 12–19 digits, optionally separated by single spaces or single hyphens. ISO/IEC 7812 caps the PAN at 19 digits; 12 is the shortest issued length (Maestro).
const creditCard = /^\d(?:[ -]?\d){11,18}$/;
// ISO 4217 alpha codes from the SIX list, regenerated by scripts/update-iso-4217.ts
const currencyCode = /^(?:AED|AFN|ALL|AMD|AOA|ARS|AUD|AWG|AZN|BAM|BBD|BDT|BHD|BIF|BMD|BND|BOB|BOV|BRL|BSD|BTN|BWP|BYN|BZD|CAD|CDF|CHE|CHF|CHW|CLF|CLP|CNY|COP|COU|CRC|CUP|CVE|CZK|DJF|DKK|DOP|DZD|EGP|ERN|ETB|EUR|FJD|FKP|GBP|GEL|GHS|GIP|GMD|GNF|GTQ|GYD|HKD|HNL|HTG|HUF|IDR|ILS|INR|IQD|IRR|ISK|JMD|JOD|JPY|KES|KGS|KHR|KMF|KPW|KRW|KWD|KYD|KZT|LAK|LBP|LKR|LRD|LSL|LYD|MAD|MDL|MGA|MKD|MMK|MNT|MOP|MRU|MUR|MVR|MWK|MXN|MXV|MYR|MZN|NAD|NGN|NIO|NOK|NPR|NZD|OMR|PAB|PEN|PGK|PHP|PKR|PLN|PYG|QAR|RON|RSD|RUB|RWF|SAR|SBD|SCR|SDG|SEK|SGD|SHP|SLE|SOS|SRD|SSP|STN|SVC|SYP|SZL|THB|TJS|TMT|TND|TOP|TRY|TTD|TWD|TZS|UAH|UGX|USD|USN|UYI|UYU|UYW|UZS|VED|VES|VND|VUV|WST|XAD|XAF|XAG|XAU|XBA|XBB|XBC|XBD|XCD|XCG|XDR|XOF|XPD|XPF|XPT|XSU|XTS|XUA|XXX|YER|ZAR|ZMW|ZWG)$/;
// iban electronic format: 2-letter country, check digits 02-98 (the only values `98 - remainder` can produce), 11-30 bban characters
const iban = /^[A-Z]{2}(?!00|01|99)\d{2}[A-Z0-9]{11,30}$/;
const dateSource = `(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))`;
/** Anchors a pattern source. The interpolation lives here rather than at the call site because
 * esbuild will not drop a `@__PURE__` call whose own argument interpolates a variable, but it
 * will drop `anchor(dateSource)`. Keeping it inline pinned `date` into every bundle. */
function regexes_anchor(source) {
    return new RegExp(`^${source}$`);
}
const date = /*@__PURE__*/ regexes_anchor(dateSource);
function timeSource(args) {
    const hhmm = `(?:[01]\\d|2[0-3]):[0-5]\\d`;
    const regex = typeof args.precision === "number"
        ? args.precision === -1
            ? `${hhmm}`
            : args.precision === 0
                ? `${hhmm}:[0-5]\\d`
                : `${hhmm}:[0-5]\\d\\.\\d{${args.precision}}`
        : args.seconds
            ? `${hhmm}:[0-5]\\d(?:\\.\\d+)?`
            : `${hhmm}(?::[0-5]\\d(?:\\.\\d+)?)?`;
    return regex;
}
function time(args) {
    return new RegExp(`^${timeSource(args)}$`);
}
// Adapted from https://stackoverflow.com/a/3143231
function datetime(args) {
    const opts = ["Z"];
    // if (args.offset) opts.push(`([+-]\\d{2}:\\d{2})`);
    if (args.offset)
        opts.push(`([+-](?:[01]\\d|2[0-3]):[0-5]\\d)`);
    // RFC 3339 mandates seconds wherever the time carries a `Z` or an offset, so only the unqualified form `local` adds may omit them
    const qualified = `${timeSource({ precision: args.precision, seconds: true })}(?:${opts.join("|")})`;
    const timeRegex = args.local ? `${qualified}|${timeSource({ precision: args.precision })}` : qualified;
    return new RegExp(`^${dateSource}T(?:${timeRegex})$`);
}
// the unbounded form of `string()` as a literal, so every plain string shares one instance instead of building its own
const anyString = /^[\s\S]{0,}$/;
const string = (params) => {
    const regex = params ? `[\\s\\S]{${params?.minimum ?? 0},${params?.maximum ?? ""}}` : `[\\s\\S]*`;
    return new RegExp(`^${regex}$`);
};
const bigint = /^-?\d+n?$/;
const integer = /^-?\d+$/;
const number = /^-?\d+(?:\.\d+)?$/;
const regexes_boolean = /^(?:true|false)$/i;
const _null = /^null$/i;

const _undefined = /^undefined$/i;

// regex for string with no uppercase letters
const lowercase = /^[^A-Z]*$/;
// regex for string with no lowercase letters
const uppercase = /^[^a-z]*$/;
// regex for hexadecimal strings (any length)
const hex = /^[0-9a-fA-F]*$/;
// Hash regexes for different algorithms and encodings
// Helper function to create base64 regex with exact length and padding
function fixedBase64(bodyLength, padding) {
    return new RegExp(`^[A-Za-z0-9+/]{${bodyLength}}${padding}$`);
}
// Helper function to create base64url regex with exact length (no padding)
function fixedBase64url(length) {
    return new RegExp(`^[A-Za-z0-9_-]{${length}}$`);
}
// MD5 (16 bytes): base64 = 24 chars total (22 + "==")
const md5_hex = /^[0-9a-fA-F]{32}$/;
const md5_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(22, "==")));
const md5_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(22)));
// SHA1 (20 bytes): base64 = 28 chars total (27 + "=")
const sha1_hex = /^[0-9a-fA-F]{40}$/;
const sha1_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(27, "=")));
const sha1_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(27)));
// SHA256 (32 bytes): base64 = 44 chars total (43 + "=")
const sha256_hex = /^[0-9a-fA-F]{64}$/;
const sha256_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(43, "=")));
const sha256_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(43)));
// SHA384 (48 bytes): base64 = 64 chars total (no padding)
const sha384_hex = /^[0-9a-fA-F]{96}$/;
const sha384_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(64, "")));
const sha384_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(64)));
// SHA512 (64 bytes): base64 = 88 chars total (86 + "==")
const sha512_hex = /^[0-9a-fA-F]{128}$/;
const sha512_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(86, "==")));
const sha512_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(86)));

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/checks.js
// import { $ZodType } from "./schemas.js";



const $ZodCheck = /*@__PURE__*/ $constructor("$ZodCheck", (inst, def) => {
    var _a;
    inst._zod ?? (inst._zod = {});
    inst._zod.def = def;
    (_a = inst._zod).onattach ?? (_a.onattach = []);
});
/** Default `when` for size-based checks: run only on non-nullish values with a `size`. */
const _whenHasSize = (payload) => {
    const val = payload.value;
    return !util.nullish(val) && val.size !== undefined;
};
/** Default `when` for length-based checks: run only on non-nullish values with a `length`. */
const _whenHasLength = (payload) => {
    const val = payload.value;
    return !nullish(val) && val.length !== undefined;
};
const numericOriginMap = {
    number: "number",
    bigint: "bigint",
    object: "date",
};
const $ZodCheckLessThan = /*@__PURE__*/ $constructor("$ZodCheckLessThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value <= def.value : payload.value < def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_big",
            maximum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckGreaterThan = /*@__PURE__*/ $constructor("$ZodCheckGreaterThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value >= def.value : payload.value > def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_small",
            minimum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMultipleOf = 
/*@__PURE__*/ $constructor("$ZodCheckMultipleOf", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        if (typeof payload.value !== typeof def.value)
            throw new Error("Cannot mix number and bigint in multiple_of check.");
        const isMultiple = typeof payload.value === "bigint"
            ? // `value % 0n` throws, and nothing is a multiple of zero — the number branch already fails this way via NaN
                def.value !== BigInt(0) && payload.value % def.value === BigInt(0)
            : floatSafeRemainder(payload.value, def.value) === 0;
        if (isMultiple)
            return;
        payload.issues.push({
            origin: typeof payload.value,
            code: "not_multiple_of",
            divisor: def.value,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckNumberFormat = /*@__PURE__*/ $constructor("$ZodCheckNumberFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    def.format = def.format || "float64";
    const isInt = def.format?.includes("int");
    const origin = isInt ? "int" : "number";
    const [minimum, maximum] = NUMBER_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (isInt) {
            if (!Number.isInteger(input)) {
                // invalid_format issue
                // payload.issues.push({
                //   expected: def.format,
                //   format: def.format,
                //   code: "invalid_format",
                //   input,
                //   inst,
                // });
                // invalid_type issue
                payload.issues.push({
                    expected: origin,
                    format: def.format,
                    code: "invalid_type",
                    continue: false,
                    input,
                    inst,
                });
                return;
                // not_multiple_of issue
                // payload.issues.push({
                //   code: "not_multiple_of",
                //   origin: "number",
                //   input,
                //   inst,
                //   divisor: 1,
                // });
            }
            if (!Number.isSafeInteger(input)) {
                if (input > 0) {
                    // too_big
                    payload.issues.push({
                        input,
                        code: "too_big",
                        maximum: Number.MAX_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                else {
                    // too_small
                    payload.issues.push({
                        input,
                        code: "too_small",
                        minimum: Number.MIN_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                return;
            }
        }
        if (input < minimum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_small",
                minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodCheckBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckBigIntFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    const [minimum, maximum] = util.BIGINT_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (input < minimum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_small",
                minimum: minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodCheckMaxSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMaxSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size <= def.maximum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMinSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMinSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size >= def.minimum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckSizeEquals = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckSizeEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size === def.size)
            return;
        const tooBig = size > def.size;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            ...(tooBig ? { code: "too_big", maximum: def.size } : { code: "too_small", minimum: def.size }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMaxLength = /*@__PURE__*/ $constructor("$ZodCheckMaxLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // Strings are measured in Unicode code points, not UTF-16 units. A code point is at most two units, so a string that already fits in units fits in code points; only an overflow has to be counted.
        const length = typeof input === "string" && units > def.maximum ? codePointLength(input) : units;
        if (length <= def.maximum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMinLength = /*@__PURE__*/ $constructor("$ZodCheckMinLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so fewer units than the floor can never reach it and twice the floor always clears it. Only in between is the exact count in doubt.
        const length = typeof input === "string" && units >= def.minimum && units < def.minimum * 2
            ? codePointLength(input)
            : units;
        if (length >= def.minimum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLengthEquals = /*@__PURE__*/ $constructor("$ZodCheckLengthEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so outside `[length, length * 2]` units the target is missed either way — and missed in the same direction in both measures.
        const length = typeof input === "string" && units >= def.length && units <= def.length * 2
            ? codePointLength(input)
            : units;
        if (length === def.length)
            return;
        const origin = getLengthableOrigin(input);
        const tooBig = length > def.length;
        payload.issues.push({
            origin,
            ...(tooBig ? { code: "too_big", maximum: def.length } : { code: "too_small", minimum: def.length }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStringFormat = /*@__PURE__*/ $constructor("$ZodCheckStringFormat", (inst, def) => {
    var _a, _b;
    $ZodCheck.init(inst, def);
    if (def.pattern)
        (_a = inst._zod).check ?? (_a.check = (payload) => {
            def.pattern.lastIndex = 0;
            if (def.pattern.test(payload.value))
                return;
            payload.issues.push({
                origin: "string",
                code: "invalid_format",
                format: def.format,
                input: payload.value,
                ...(def.pattern ? { pattern: def.pattern.toString() } : {}),
                inst,
                continue: !def.abort,
            });
        });
    else
        (_b = inst._zod).check ?? (_b.check = () => { });
});
const $ZodCheckRegex = /*@__PURE__*/ $constructor("$ZodCheckRegex", (inst, def) => {
    $ZodCheckStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        def.pattern.lastIndex = 0;
        if (def.pattern.test(payload.value))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "regex",
            input: payload.value,
            pattern: def.pattern.toString(),
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLowerCase = /*@__PURE__*/ $constructor("$ZodCheckLowerCase", (inst, def) => {
    def.pattern ?? (def.pattern = lowercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckUpperCase = /*@__PURE__*/ $constructor("$ZodCheckUpperCase", (inst, def) => {
    def.pattern ?? (def.pattern = uppercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckIncludes = /*@__PURE__*/ $constructor("$ZodCheckIncludes", (inst, def) => {
    $ZodCheck.init(inst, def);
    const escapedRegex = escapeRegex(def.includes);
    // `String.prototype.includes(sub, position)` matches `sub` at `position`
    // OR LATER, so the pattern must allow at least `position` leading chars
    // (`{N,}`), not exactly `position` chars (`{N}`).
    const pattern = new RegExp(typeof def.position === "number" ? `^.{${def.position},}${escapedRegex}` : escapedRegex);
    def.pattern = pattern;
    inst._zod.check = (payload) => {
        if (payload.value.includes(def.includes, def.position))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "includes",
            includes: def.includes,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStartsWith = /*@__PURE__*/ $constructor("$ZodCheckStartsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`^${escapeRegex(def.prefix)}.*`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.startsWith(def.prefix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "starts_with",
            prefix: def.prefix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckEndsWith = /*@__PURE__*/ $constructor("$ZodCheckEndsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`.*${escapeRegex(def.suffix)}$`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.endsWith(def.suffix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "ends_with",
            suffix: def.suffix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
///////////////////////////////////
/////    $ZodCheckProperty    /////
///////////////////////////////////
function handleCheckPropertyResult(result, payload, property) {
    if (result.issues.length) {
        payload.issues.push(...prefixIssues(property, result.issues));
    }
}
const $ZodCheckProperty = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckProperty", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        const result = def.schema._zod.run({
            value: payload.value[def.property],
            issues: [],
        }, {});
        if (result instanceof Promise) {
            return result.then((result) => handleCheckPropertyResult(result, payload, def.property));
        }
        handleCheckPropertyResult(result, payload, def.property);
        return;
    };
})));
const $ZodCheckProperties = /*@__PURE__*/ $constructor("$ZodCheckProperties", (inst, def) => {
    $ZodCheck.init(inst, def);
    hide(inst, Symbol.iterator, function* () {
        yield inst;
    });
    // key and schema snapshotted together: reading one live and the other cached lets a later mutation of the caller's shape object pair a stale key with a missing schema
    let entries;
    inst._zod.check = (payload) => {
        // the base schema already typed the value, so only a nullish one is rejected here: the properties read on a primitive too, matching z.property() on a string's length
        if (payload.value == null) {
            payload.issues.push({ expected: "object", code: "invalid_type", input: payload.value, inst });
            return undefined;
        }
        entries ?? (entries = Reflect.ownKeys(def.shape).map((key) => [key, def.shape[key]]));
        const input = payload.value;
        let proms;
        for (const [key, schema] of entries) {
            const result = schema._zod.run({ value: input[key], issues: [] }, {});
            if (result instanceof Promise) {
                proms ?? (proms = []);
                proms.push(result.then((result) => handleCheckPropertyResult(result, payload, key)));
            }
            else {
                handleCheckPropertyResult(result, payload, key);
            }
        }
        if (proms)
            return Promise.all(proms).then(() => undefined);
        return undefined;
    };
});
const $ZodCheckMimeType = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMimeType", (inst, def) => {
    $ZodCheck.init(inst, def);
    const mimeSet = new Set(def.mime);
    inst._zod.check = (payload) => {
        if (mimeSet.has(payload.value.type))
            return;
        payload.issues.push({
            code: "invalid_value",
            values: def.mime,
            input: payload.value.type,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckOverwrite = /*@__PURE__*/ $constructor("$ZodCheckOverwrite", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        payload.value = def.tx(payload.value);
    };
});

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/doc.js
class Doc {
    constructor(args = [], closed = {}) {
        this.content = [];
        this.indent = 0;
        this.args = args;
        this.closed = closed;
    }
    // the compiler catches a child's throw and keeps writing into this doc, so the indent has to unwind with it
    indented(fn) {
        this.indent += 1;
        try {
            fn(this);
        }
        finally {
            this.indent -= 1;
        }
    }
    write(arg) {
        if (typeof arg === "function") {
            arg(this, { execution: "sync" });
            arg(this, { execution: "async" });
            return;
        }
        const content = arg;
        const lines = content.split("\n").filter((x) => x);
        const minIndent = Math.min(...lines.map((x) => x.length - x.trimStart().length));
        const dedented = lines.map((x) => x.slice(minIndent)).map((x) => " ".repeat(this.indent * 2) + x);
        for (const line of dedented) {
            this.content.push(line);
        }
    }
    compile() {
        const F = Function;
        const content = this?.content ?? [``];
        const factory = new F(...Object.keys(this.closed), `return function (${this.args.join(", ")}) {\n${content.join("\n")}\n};`);
        return factory(...Object.values(this.closed));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/versions.js
const version = {
    major: 4,
    minor: 6,
    patch: 7,
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/schemas.js







const $ZodType = /*@__PURE__*/ $constructor("$ZodType", (inst, def) => {
    var _a;
    inst ?? (inst = {});
    inst._zod.def = def; // set _def property
    inst._zod.bag = inst._zod.bag || {}; // initialize _bag object
    inst._zod.version = version;
    const defChecks = inst._zod.def.checks;
    // if inst is itself a checks.$ZodCheck, run it as a check
    const checks = inst._zod.traits.has("$ZodCheck")
        ? [inst, ...(defChecks ?? [])]
        : defChecks?.length
            ? [...defChecks]
            : [];
    for (const ch of checks) {
        for (const fn of ch._zod.onattach) {
            fn(inst);
        }
    }
    if (checks.length === 0) {
        // deferred initializer inst._zod.parse is not yet defined
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred?.push(() => {
            inst._zod.run = inst._zod.parse;
        });
    }
    else {
        const runChecks = (payload, checks, ctx) => {
            if (payload.memo)
                return payload;
            let isAborted = aborted(payload);
            let asyncResult;
            for (const ch of checks) {
                if (ch._zod.def.when) {
                    if (explicitlyAborted(payload))
                        continue;
                    const shouldRun = ch._zod.def.when(payload);
                    if (!shouldRun)
                        continue;
                }
                else if (isAborted) {
                    continue;
                }
                const currLen = payload.issues.length;
                const _ = ch._zod.check(payload);
                if (_ instanceof Promise && ctx?.async === false) {
                    throw new $ZodAsyncError();
                }
                if (asyncResult || _ instanceof Promise) {
                    asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
                        await _;
                        const nextLen = payload.issues.length;
                        if (nextLen === currLen)
                            return;
                        attachSchema(payload.issues, currLen, inst);
                        if (!isAborted)
                            isAborted = aborted(payload, currLen);
                    });
                }
                else {
                    const nextLen = payload.issues.length;
                    if (nextLen === currLen)
                        continue;
                    attachSchema(payload.issues, currLen, inst);
                    if (!isAborted)
                        isAborted = aborted(payload, currLen);
                }
            }
            if (asyncResult) {
                return asyncResult.then(() => {
                    return payload;
                });
            }
            return payload;
        };
        const handleCanaryResult = (canary, payload, ctx) => {
            // abort if the canary is aborted
            if (aborted(canary)) {
                canary.aborted = true;
                return canary;
            }
            // run checks first, then
            const checkResult = runChecks(payload, checks, ctx);
            if (checkResult instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return checkResult.then((checkResult) => inst._zod.parse(checkResult, ctx));
            }
            return inst._zod.parse(checkResult, ctx);
        };
        inst._zod.run = (payload, ctx) => {
            if (ctx.skipChecks) {
                return inst._zod.parse(payload, ctx);
            }
            if (ctx.direction === "backward") {
                // run canary initial pass (no checks)
                const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
                if (canary instanceof Promise) {
                    return canary.then((canary) => {
                        return handleCanaryResult(canary, payload, ctx);
                    });
                }
                return handleCanaryResult(canary, payload, ctx);
            }
            // forward
            const result = inst._zod.parse(payload, ctx);
            if (result instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return result.then((result) => runChecks(result, checks, ctx));
            }
            return runChecks(result, checks, ctx);
        };
    }
}, {
    // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
    get "~standard"() {
        return hide(this, "~standard", standardProps(this));
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
});
/** The Standard Schema surface for `inst`. Shared so wrappers can extend it without forcing it. */
// a Standard Schema result only reports issues, so a failure finalizes them straight off the raw payload: no ZodError, and no lazy result to read through
const toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
async function validateAsync(inst, value) {
    const ctx = { async: true };
    return toStandardResult((await inst._zod.run({ value, issues: [] }, ctx)), ctx);
}
function standardProps(inst) {
    return {
        validate: (value) => {
            const ctx = { async: false };
            try {
                const r = inst._zod.run({ value, issues: [] }, ctx);
                if (!(r instanceof Promise))
                    return toStandardResult(r, ctx);
            }
            catch (_) { }
            // async function so a synchronously throwing check rejects instead of escaping validate
            return validateAsync(inst, value);
        },
        vendor: "zod",
        version: 1,
    };
}

const $ZodString = /*@__PURE__*/ $constructor("$ZodString", (inst, def) => {
    $ZodType.init(inst, def);
    // a format's own pattern, else unbounded; a template literal derives the check-aware form itself
    inst._zod.pattern = def.pattern ?? anyString;
    inst._zod.parse = (payload, _) => {
        if (def.coerce)
            try {
                payload.value = String(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "string")
            return payload;
        payload.issues.push({
            expected: "string",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodStringFormat = /*@__PURE__*/ $constructor("$ZodStringFormat", (inst, def) => {
    // check initialization must come first
    $ZodCheckStringFormat.init(inst, def);
    $ZodString.init(inst, def);
});
const $ZodGUID = /*@__PURE__*/ $constructor("$ZodGUID", (inst, def) => {
    def.pattern ?? (def.pattern = guid);
    $ZodStringFormat.init(inst, def);
});
const $ZodUUID = /*@__PURE__*/ $constructor("$ZodUUID", (inst, def) => {
    if (def.version) {
        const versionMap = {
            v1: 1,
            v2: 2,
            v3: 3,
            v4: 4,
            v5: 5,
            v6: 6,
            v7: 7,
            v8: 8,
        };
        const v = versionMap[def.version];
        if (v === undefined)
            throw new Error(`Invalid UUID version: "${def.version}"`);
        def.pattern ?? (def.pattern = uuid(v));
    }
    else
        def.pattern ?? (def.pattern = uuid());
    $ZodStringFormat.init(inst, def);
});
const $ZodEmail = /*@__PURE__*/ $constructor("$ZodEmail", (inst, def) => {
    def.pattern ?? (def.pattern = email);
    $ZodStringFormat.init(inst, def);
});
/** The `://` guard rejected the input before the URL constructor saw it. */
const URL_BAD_FORMAT = 1;
/** The URL parser rejected the input. */
const URL_UNPARSEABLE = 2;
function canParseURL(input) {
    try {
        if (typeof URL !== "undefined" && typeof URL.canParse === "function")
            return URL.canParse(input);
        new URL(input);
        return true;
    }
    catch {
        return false;
    }
}
function validateURL(trimmed, def) {
    if (!("normalize" in def) && !("hostname" in def) && !("protocol" in def)) {
        return canParseURL(trimmed) || URL_UNPARSEABLE;
    }
    return parseURLObject(trimmed, def);
}
/** Parses a URL while preserving the non-normalizing HTTP guard. */
function parseURLObject(trimmed, def) {
    // When normalize is off, require :// for http/https URLs. This prevents strings like "http:example.com" or "https:/path" from being silently accepted
    if (!def.normalize && def.protocol?.source === httpProtocol.source && !/^https?:\/\//i.test(trimmed)) {
        return URL_BAD_FORMAT;
    }
    try {
        if (typeof URL !== "undefined") {
            const URLStatic = URL;
            if (typeof URLStatic.parse === "function")
                return URLStatic.parse(trimmed) ?? URL_UNPARSEABLE;
        }
        // @ts-ignore
        return new URL(trimmed);
    }
    catch {
        return URL_UNPARSEABLE;
    }
}
const asciiTabOrNewline = /[\t\n\r]/g;
/** The URL parser deletes every ASCII tab, LF and CR from its input before it parses, so `new URL("https://exa\nmple.com")` reports on `example.com`. Applying the same deletion to the returned value closes the half of that divergence which can move the host; the parser's other rewrite, stripping C0 controls at the edges, cannot. */
function stripTabAndNewline(value) {
    return value.replace(asciiTabOrNewline, "");
}
function urlHostnameOk(url, hostname) {
    hostname.lastIndex = 0;
    return hostname.test(url.hostname);
}
function urlProtocolOk(url, protocol) {
    protocol.lastIndex = 0;
    return protocol.test(url.protocol.endsWith(":") ? url.protocol.slice(0, -1) : url.protocol);
}
const $ZodURL = /*@__PURE__*/ $constructor("$ZodURL", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        try {
            // Trim whitespace from input
            const trimmed = payload.value.trim();
            const url = validateURL(trimmed, def);
            if (url === URL_BAD_FORMAT) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid URL format",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === URL_UNPARSEABLE) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === true) {
                payload.value = stripTabAndNewline(trimmed);
                return;
            }
            if (def.hostname && !urlHostnameOk(url, def.hostname)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid hostname",
                    pattern: def.hostname.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            if (def.protocol && !urlProtocolOk(url, def.protocol)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid protocol",
                    pattern: def.protocol.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            // Set the output value based on normalize flag
            payload.value = def.normalize ? url.href : stripTabAndNewline(trimmed);
            return;
        }
        catch (_) {
            payload.issues.push({
                code: "invalid_format",
                format: "url",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodEmoji = /*@__PURE__*/ $constructor("$ZodEmoji", (inst, def) => {
    def.pattern ?? (def.pattern = emoji());
    $ZodStringFormat.init(inst, def);
});
const $ZodNanoID = /*@__PURE__*/ $constructor("$ZodNanoID", (inst, def) => {
    if (def.length !== undefined && (!Number.isInteger(def.length) || def.length < 1))
        throw new Error(`Invalid nanoid length: ${def.length}`);
    def.pattern ?? (def.pattern = def.length === undefined ? nanoid : nanoidOfLength(def.length));
    $ZodStringFormat.init(inst, def);
});
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link $ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const $ZodCUID = /*@__PURE__*/ $constructor("$ZodCUID", (inst, def) => {
    def.pattern ?? (def.pattern = cuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodCUID2 = /*@__PURE__*/ $constructor("$ZodCUID2", (inst, def) => {
    def.pattern ?? (def.pattern = cuid2);
    $ZodStringFormat.init(inst, def);
});
const $ZodULID = /*@__PURE__*/ $constructor("$ZodULID", (inst, def) => {
    def.pattern ?? (def.pattern = ulid);
    $ZodStringFormat.init(inst, def);
});
const $ZodXID = /*@__PURE__*/ $constructor("$ZodXID", (inst, def) => {
    def.pattern ?? (def.pattern = xid);
    $ZodStringFormat.init(inst, def);
});
const $ZodKSUID = /*@__PURE__*/ $constructor("$ZodKSUID", (inst, def) => {
    def.pattern ?? (def.pattern = ksuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodISODateTime = /*@__PURE__*/ $constructor("$ZodISODateTime", (inst, def) => {
    def.pattern ?? (def.pattern = datetime(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODate = /*@__PURE__*/ $constructor("$ZodISODate", (inst, def) => {
    def.pattern ?? (def.pattern = date);
    $ZodStringFormat.init(inst, def);
});
const $ZodISOTime = /*@__PURE__*/ $constructor("$ZodISOTime", (inst, def) => {
    def.pattern ?? (def.pattern = time(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODuration = /*@__PURE__*/ $constructor("$ZodISODuration", (inst, def) => {
    def.pattern ?? (def.pattern = duration);
    $ZodStringFormat.init(inst, def);
});
const $ZodIPv4 = /*@__PURE__*/ $constructor("$ZodIPv4", (inst, def) => {
    def.pattern ?? (def.pattern = ipv4);
    $ZodStringFormat.init(inst, def);
});
/** An IPv6 address is written with hex digits, colons and dots, and nothing else. The guard is what makes the check below an IPv6 check: `new URL("http://[...]")` parses an authority, not an address, so `@` and `\` re-delimit it and `"::@1\\"` validates against the host `0.0.0.1`. The URL parser also deletes ASCII tab, LF and CR rather than failing, which is how `"::1\n"` validated as `::1`. */
const ipv6Alphabet = /^[0-9a-fA-F:.]+$/;
function isValidIPv6(value) {
    if (!ipv6Alphabet.test(value))
        return false;
    return canParseURL(`http://[${value}]`);
}
const $ZodIPv6 = /*@__PURE__*/ $constructor("$ZodIPv6", (inst, def) => {
    def.pattern ?? (def.pattern = ipv6);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidIPv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "ipv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMAC", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.mac(def.delimiter));
    $ZodStringFormat.init(inst, def);
})));
const $ZodCIDRv4 = /*@__PURE__*/ $constructor("$ZodCIDRv4", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv4);
    $ZodStringFormat.init(inst, def);
});
function isValidCIDRv6(value) {
    const parts = value.split("/");
    if (parts.length !== 2)
        return false;
    const [address, prefix] = parts;
    if (!prefix)
        return false;
    const prefixNum = Number(prefix);
    if (`${prefixNum}` !== prefix)
        return false;
    if (prefixNum < 0 || prefixNum > 128)
        return false;
    return isValidIPv6(address);
}
const $ZodCIDRv6 = /*@__PURE__*/ $constructor("$ZodCIDRv6", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv6); // not used for validation
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidCIDRv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "cidrv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
//////////////////////////////   ZodBase64   //////////////////////////////
function isValidBase64(data) {
    if (data === "")
        return true;
    // atob ignores whitespace, so reject it up front.
    if (/\s/.test(data))
        return false;
    if (data.length % 4 !== 0)
        return false;
    try {
        // @ts-ignore
        atob(data);
        return true;
    }
    catch {
        return false;
    }
}
// lax on purpose: the quantified regexes.base64 overflows the regex stack on multi-MB input and its leading ^$| alternation leaks through template-literal composition; isValidBase64 enforces length and padding
const base64Charset = /^[0-9a-zA-Z+/]*={0,2}$/;
const $ZodBase64 = /*@__PURE__*/ $constructor("$ZodBase64", (inst, def) => {
    def.pattern ?? (def.pattern = base64Charset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
//////////////////////////////   ZodBase64URL   //////////////////////////////
// lax on purpose: the quantified regexes.base64url overflows the regex stack on multi-MB input; isValidBase64 enforces length on the padded string
const base64urlCharset = /^[A-Za-z0-9_-]*$/;
function isValidBase64URL(data) {
    if (!base64urlCharset.test(data))
        return false;
    const base64 = data.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/"));
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    return isValidBase64(padded);
}
const $ZodBase64URL = /*@__PURE__*/ $constructor("$ZodBase64URL", (inst, def) => {
    def.pattern ?? (def.pattern = base64urlCharset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64URL(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64url",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodE164 = /*@__PURE__*/ $constructor("$ZodE164", (inst, def) => {
    def.pattern ?? (def.pattern = e164);
    $ZodStringFormat.init(inst, def);
});
//////////////////////////////   ZodCreditCard   //////////////////////////////
const CC_SANITIZE = /[- ]/g;
/** Luhn checksum on a digit-only string. Adapted from valibot (MIT). */
function isLuhnAlgo(digits) {
    let length = digits.length;
    let bit = 1;
    let sum = 0;
    while (length) {
        const value = digits.charCodeAt(--length) - 48;
        bit ^= 1;
        sum += bit ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][value] : value;
    }
    return sum % 10 === 0;
}
function isValidCreditCard(input) {
    if (!regexes.creditCard.test(input))
        return false;
    return isLuhnAlgo(input.replace(CC_SANITIZE, ""));
}
const $ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCreditCard", (inst, def) => {
    // Shape only — the Luhn check below is not expressible as a pattern, so consumers of `pattern` (JSON Schema, template literals) get the length and separator rules alone.
    def.pattern ?? (def.pattern = regexes.creditCard);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidCreditCard(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "credit_card",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodIBAN   //////////////////////////////
// iso 7064 mod 97-10 checksum without BigInt
function isIso7064Mod97(iban) {
    let remainder = 0;
    const len = iban.length;
    for (let i = 4; i < len; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    for (let i = 0; i < 4; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    return remainder === 1;
}
function isValidIBAN(input) {
    if (!regexes.iban.test(input))
        return false;
    return isIso7064Mod97(input);
}
const $ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIBAN", (inst, def) => {
    // shape only — checksum is not expressible as a pattern
    def.pattern ?? (def.pattern = regexes.iban);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidIBAN(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "iban",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodJWT   //////////////////////////////
function isValidJWT(token, algorithm = null) {
    try {
        const tokensParts = token.split(".");
        if (tokensParts.length !== 3)
            return false;
        const [header] = tokensParts;
        if (!header)
            return false;
        // @ts-ignore
        const parsedHeader = JSON.parse(atob(header));
        if ("typ" in parsedHeader && parsedHeader?.typ !== "JWT")
            return false;
        if (!parsedHeader.alg)
            return false;
        if (algorithm && (!("alg" in parsedHeader) || parsedHeader.alg !== algorithm))
            return false;
        return true;
    }
    catch {
        return false;
    }
}
const $ZodJWT = /*@__PURE__*/ $constructor("$ZodJWT", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidJWT(payload.value, def.alg))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "jwt",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCustomStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (def.fn(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: def.format,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodNumber = /*@__PURE__*/ $constructor("$ZodNumber", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = number;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Number(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "number" && !Number.isNaN(input) && Number.isFinite(input)) {
            return payload;
        }
        const received = typeof input === "number"
            ? Number.isNaN(input)
                ? "NaN"
                : !Number.isFinite(input)
                    ? String(input)
                    : undefined
            : undefined;
        payload.issues.push({
            expected: "number",
            code: "invalid_type",
            input,
            inst,
            ...(received ? { received } : {}),
        });
        return payload;
    };
});
const $ZodNumberFormat = /*@__PURE__*/ $constructor("$ZodNumberFormat", (inst, def) => {
    $ZodCheckNumberFormat.init(inst, def);
    $ZodNumber.init(inst, def); // no format checks
});
const $ZodBoolean = /*@__PURE__*/ $constructor("$ZodBoolean", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes_boolean;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Boolean(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "boolean")
            return payload;
        payload.issues.push({
            expected: "boolean",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
});
const $ZodBigInt = /*@__PURE__*/ $constructor("$ZodBigInt", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = bigint;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = BigInt(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "bigint")
            return payload;
        payload.issues.push({
            expected: "bigint",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBigIntFormat", (inst, def) => {
    checks.$ZodCheckBigIntFormat.init(inst, def);
    $ZodBigInt.init(inst, def); // no format checks
})));
const $ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSymbol", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "symbol")
            return payload;
        payload.issues.push({
            expected: "symbol",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodUndefined", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.undefined;
    inst._zod.values = new Set([undefined]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "undefined",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNull", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.null;
    inst._zod.values = new Set([null]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (input === null)
            return payload;
        payload.issues.push({
            expected: "null",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodAny", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
})));
const $ZodUnknown = /*@__PURE__*/ $constructor("$ZodUnknown", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
});
const $ZodNever = /*@__PURE__*/ $constructor("$ZodNever", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        payload.issues.push({
            expected: "never",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodVoid", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "void",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodDate = /*@__PURE__*/ $constructor("$ZodDate", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce) {
            try {
                payload.value = new Date(payload.value);
            }
            catch (_err) { }
        }
        const input = payload.value;
        const isDate = input instanceof Date;
        const isValidDate = isDate && !Number.isNaN(input.getTime());
        if (isValidDate)
            return payload;
        payload.issues.push({
            expected: "date",
            code: "invalid_type",
            input,
            ...(isDate ? { received: "Invalid Date" } : {}),
            inst,
        });
        return payload;
    };
});
// an oversized container fails its leading size checks before any element is parsed
function capSize(inst, size) {
    const caps = sizeCaps(inst._zod.def.checks);
    if (!caps.length)
        return;
    const cap = Math.min(...caps.map((c) => c[0]));
    const parse = inst._zod.parse;
    inst._zod.parse = (payload, ctx) => {
        const n = size(payload.value);
        if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
            for (const [max, ch] of sizeCaps(inst._zod.def.checks)) {
                if (n > max && ch._zod.def.when(payload)) {
                    const start = payload.issues.length;
                    ch._zod.check(payload);
                    // the value is still the raw input, so no later check may read it
                    payload.issues[start].continue = false;
                    attachSchema(payload.issues, start, inst);
                    return payload;
                }
            }
        }
        return parse(payload, ctx);
    };
}
const arraySize = (input) => (Array.isArray(input) ? input.length : -1);
const mapSize = (input) => (input instanceof Map ? input.size : -1);
const setSize = (input) => (input instanceof Set ? input.size : -1);
function handleArrayResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
const $ZodArray = /*@__PURE__*/ $constructor("$ZodArray", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                expected: "array",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
        const proms = [];
        const abortEarly = ctx?.abortEarly;
        for (let i = 0; i < input.length; i++) {
            const item = input[i];
            const result = def.element._zod.run({
                value: item,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleArrayResult(result, payload, i)));
            }
            else {
                handleArrayResult(result, payload, i);
                // the element's payload is authoritative here, since handleArrayResult forwards every issue; an object's is not, because it drops a failed absent optional
                if (abortEarly && result.issues.length !== 0 && aborted(result))
                    break;
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload; //handleArrayResultsAsync(parseResults, final);
    };
    capSize(inst, arraySize);
});
function handlePropertyResult(result, final, key, input, optin, optout) {
    const isPresent = key in input;
    const isOptionalOut = optout === "optional";
    // The middle rung means "absence permitted, nothing supplied in its place", so an absent key contributes nothing — whatever the schema made of `undefined` is invented, not substituted. Only `optional` reaches this with a value: `defaulted` substitutes, and a schema that isn't optional-out has to keep the key.
    if (!isPresent && isOptionalOut && optin === "optional") {
        return;
    }
    if (result.issues.length) {
        // For optional-in/out schemas, ignore errors on absent keys.
        if (optin !== undefined && isOptionalOut && !isPresent) {
            return;
        }
        final.issues.push(...prefixIssues(key, result.issues));
    }
    if (!isPresent && optin === undefined) {
        if (!result.issues.length) {
            final.issues.push({
                code: "invalid_type",
                expected: "nonoptional",
                input: undefined,
                path: [key],
            });
        }
        return;
    }
    if (result.value === undefined) {
        if (isPresent || (optin === "defaulted" && !isOptionalOut)) {
            final.value[key] = undefined;
        }
    }
    else {
        final.value[key] = result.value;
    }
}
// one shared instance; a fresh [] per schema cost 56 bytes retained
const NO_SYMBOL_KEYS = [];
function normalizeDef(def) {
    const keys = Object.keys(def.shape);
    const ownSymbols = Object.getOwnPropertySymbols(def.shape);
    const symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS;
    // aliases `keys` when there are no symbols, so a string-only shape keeps one array
    const allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
    for (const k of allKeys) {
        if (!def.shape?.[k]?._zod?.traits?.has("$ZodType")) {
            throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
        }
    }
    const okeys = optionalKeys(def.shape);
    return {
        ...def,
        allKeys,
        symbolKeys,
        // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
        keySet: new Set(keys),
        numKeys: keys.length,
        optionalKeys: new Set(okeys),
    };
}
function handleCatchall(proms, input, payload, ctx, def, inst, abortEarly) {
    const unrecognized = [];
    const keySet = def.keySet;
    const _catchall = def.catchall._zod;
    const t = _catchall.def.type;
    const optin = _catchall.optin;
    const optout = _catchall.optout;
    // starts at 0, not the current length: the shape phase already ran and may have aborted
    let seen = 0;
    for (const key in input) {
        if (abortEarly && payload.issues.length !== seen) {
            if (aborted(payload, seen))
                break;
            seen = payload.issues.length;
        }
        // Must precede the __proto__ branch: a declared key is not unrecognized, even though the shape loop deliberately strips __proto__ from the parsed output.
        if (keySet.has(key))
            continue;
        // Don't copy an undeclared __proto__ into the result; assignment to a plain {} would replace the result prototype. But in strict mode it is still an unknown key, so report it before skipping.
        if (key === "__proto__") {
            if (t === "never")
                unrecognized.push(key);
            continue;
        }
        if (t === "never") {
            unrecognized.push(key);
            continue;
        }
        const r = _catchall.run({ value: input[key], issues: [] }, ctx);
        if (r instanceof Promise) {
            proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
        }
        else {
            handlePropertyResult(r, payload, key, input, optin, optout);
        }
    }
    if (unrecognized.length) {
        payload.issues.push({
            code: "unrecognized_keys",
            keys: unrecognized,
            input,
            inst,
            // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
            continue: true,
        });
    }
    if (!proms.length)
        return payload;
    return Promise.all(proms).then(() => {
        return payload;
    });
}
const $ZodObject = /*@__PURE__*/ $constructor("$ZodObject", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodType.init(inst, def);
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    // a cloned def carries its source's accessor, which knows the shape it answers from; adopting that keeps the clone's keys readable without running it
    const sh = desc?.get ? desc.get.raw : (def.shape ?? {});
    if (sh) {
        // Freezes the shape on first read, so its getters resolve once and every later read sees the same schemas.
        const get = () => {
            const newSh = { ...sh };
            Object.defineProperty(def, "shape", { value: newSh });
            get.raw = newSh;
            return newSh;
        };
        get.raw = sh;
        Object.defineProperty(def, "shape", { get });
    }
    const _normalized = cached(() => normalizeDef(def));
    defineLazyInternal(inst, "propValues", (zod) => {
        const shape = zod.def.shape;
        const propValues = {};
        for (const key in shape) {
            const field = shape[key]._zod;
            if (field.values) {
                if (!Object.prototype.hasOwnProperty.call(propValues, key)) {
                    util_assignProp(propValues, key, new Set());
                }
                for (const v of field.values)
                    propValues[key].add(v);
                // An omittable slot reads back as undefined at a discriminator lookup, so it has to claim undefined: two options that can both omit the key are not discriminable on it.
                if (field.optin !== undefined)
                    propValues[key].add(undefined);
            }
        }
        return propValues;
    });
    const isObject = util_isObject;
    const catchall = def.catchall;
    let value;
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
        const proms = [];
        const shape = value.shape;
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const key of value.allKeys) {
            if (abortEarly && payload.issues.length !== seen) {
                if (aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            if (key === "__proto__")
                continue;
            const el = shape[key];
            const optin = el._zod.optin;
            const optout = el._zod.optout;
            const r = el._zod.run({ value: input[key], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
            }
            else {
                handlePropertyResult(r, payload, key, input, optin, optout);
            }
        }
        if (!catchall) {
            return proms.length ? Promise.all(proms).then(() => payload) : payload;
        }
        return handleCatchall(proms, input, payload, ctx, _normalized.value, inst, abortEarly === true);
    };
});
const $ZodObjectJIT = /*@__PURE__*/ $constructor("$ZodObjectJIT", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodObject.init(inst, def);
    const superParse = inst._zod.parse;
    const _normalized = cached(() => normalizeDef(def));
    const memo = globalConfig.memoizer;
    const generateFastpass = (shape) => {
        const normalized = _normalized.value;
        const syms = normalized.symbolKeys;
        // a symbol has no source literal, so it is read as `syms[i]` off the closed-over scope
        const doc = new Doc(["payload", "ctx"], { shape, inst, memo, syms });
        const parseStr = (k) => `shape[${k}]._zod.run({ value: input[${k}], issues: [] }, ctx)`;
        // prefixes in place, like util.prefixIssues. newResult must land before the early return: a catchall runs after this and would otherwise write onto the caller's input
        const prefixStr = (id, k) => `
          let ${id}_ab = false;
          for (let i = 0; i < ${id}.issues.length; i++) {
            const iss = ${id}.issues[i];
            iss.path = iss.path ? [${k}, ...iss.path] : [${k}];
            payload.issues.push(iss);
            if (iss.continue !== true) ${id}_ab = true;
          }
          if (${id}_ab && ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }`;
        doc.write(`const input = payload.value;`);
        const ids = Object.create(null);
        let counter = 0;
        for (const key of normalized.allKeys) {
            ids[key] = `key_${counter++}`;
        }
        // A: preserve key order {
        doc.write(memo ? `const newResult = memo.alloc(inst, payload, {}, ctx);` : `const newResult = {};`);
        for (const key of normalized.allKeys) {
            if (key === "__proto__")
                continue;
            const id = ids[key];
            const k = typeof key === "symbol" ? `syms[${syms.indexOf(key)}]` : esc(key);
            const isPresent = `${k} in input`;
            const schema = shape[key];
            const optin = schema?._zod?.optin;
            const isOptionalIn = optin !== undefined;
            const isOptionalOut = schema?._zod?.optout === "optional";
            doc.write(`const ${id} = ${parseStr(k)};`);
            if (isOptionalIn && isOptionalOut) {
                // For optional-in/out schemas, ignore errors on absent keys — and, like the interpreted path, drop the value produced alongside them. The middle rung goes further: it permits absence without supplying anything in its place, so an absent key contributes nothing at all.
                const assign = optin === "optional" ? `${id}_present` : `${id}.value !== undefined || ${id}_present`;
                doc.write(`
        const ${id}_present = ${isPresent};
        if (!${id}.issues.length || ${id}_present) {
          if (${id}.issues.length) {${prefixStr(id, k)}
          }

          if (${assign}) {
            newResult[${k}] = ${id}.value;
          }
        }

      `);
            }
            else if (!isOptionalIn) {
                doc.write(`
        const ${id}_present = ${isPresent};
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
        if (!${id}_present && !${id}.issues.length) {
          payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: undefined,
            path: [${k}]
          });
          if (ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }
        }

        if (${id}_present) {
          newResult[${k}] = ${id}.value;
        }

      `);
            }
            else {
                doc.write(`
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
      `);
                if (optin === "defaulted") {
                    doc.write(`newResult[${k}] = ${id}.value;`);
                }
                else {
                    doc.write(`
        if (${id}.value !== undefined || ${isPresent}) {
          newResult[${k}] = ${id}.value;
        }
      `);
                }
            }
        }
        doc.write(`payload.value = newResult;`);
        doc.write(`return payload;`);
        // closing `shape` in is what pays: turbofan specializes the parser against that one shape object, so every `shape[k]._zod.run` folds to a known callee. as a parameter it stays a generic load and measures 13% slower even with the forwarding frame gone
        return doc.compile();
    };
    let fastpass;
    const isObject = util_isObject;
    const jit = !globalConfig.jitless;
    const allowsEval = util_allowsEval;
    const fastEnabled = jit && allowsEval.value; // && !def.catchall;
    const catchall = def.catchall;
    let value;
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        if (jit && fastEnabled && ctx?.async === false && ctx.jitless !== true) {
            // always synchronous
            if (!fastpass)
                fastpass = generateFastpass(def.shape);
            payload = fastpass(payload, ctx);
            if (!catchall)
                return payload;
            return handleCatchall([], input, payload, ctx, value, inst, ctx?.abortEarly === true);
        }
        return superParse(payload, ctx);
    };
});
function handleUnionResults(results, final, inst, ctx) {
    for (const result of results) {
        if (result.issues.length === 0) {
            final.value = result.value;
            return final;
        }
    }
    const nonaborted = results.filter((r) => !aborted(r));
    if (nonaborted.length === 1) {
        final.value = nonaborted[0].value;
        return nonaborted[0];
    }
    final.issues.push({
        code: "invalid_union",
        input: final.value,
        inst,
        errors: results.map((result) => result.issues.map((iss) => finalizeIssue(iss, ctx, config()))),
    });
    return final;
}
const $ZodUnion = /*@__PURE__*/ $constructor("$ZodUnion", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted")
        ? "defaulted"
        : zod.def.options.some((o) => o._zod.optin !== undefined)
            ? "optional"
            : undefined);
    defineLazyInternal(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : undefined);
    defineLazyInternal(inst, "values", (zod) => {
        if (zod.def.options.every((o) => o._zod.values)) {
            return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
        }
        return undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        if (zod.def.options.every((o) => o._zod.pattern)) {
            const patterns = zod.def.options.map((o) => o._zod.pattern);
            return new RegExp(`^(${patterns.map((p) => cleanRegex(p.source)).join("|")})$`);
        }
        return undefined;
    });
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                if (result.issues.length === 0)
                    return result;
                results.push(result);
            }
        }
        if (!async)
            return handleUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleUnionResults(results, payload, inst, ctx);
        });
    };
});
function handleExclusiveUnionResults(results, final, inst, ctx) {
    const matches = [];
    for (let i = 0; i < results.length; i++) {
        if (results[i].issues.length === 0)
            matches.push(i);
    }
    if (matches.length === 1) {
        final.value = results[matches[0]].value;
        return final;
    }
    if (matches.length === 0) {
        // No matches - same as regular union
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: results.map((result) => result.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config()))),
        });
    }
    else {
        // Multiple matches - exclusive union failure
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: [],
            inclusive: false,
            matches,
        });
    }
    return final;
}
const $ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodXor", (inst, def) => {
    $ZodUnion.init(inst, def);
    def.inclusive = false;
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                results.push(result);
            }
        }
        if (!async)
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        });
    };
})));
/** Returns the option whose discriminator claims `value`, or throws if ambiguous. */
function getDiscriminatedOption(union, value) {
    const internals = union._zod;
    let map = internals.bag.optionsMap;
    if (!map) {
        map = discriminatorMap(internals.def);
        internals.bag.optionsMap = map;
    }
    const option = map.get(value);
    if (option === null)
        throw new Error(`Ambiguous discriminator value "${String(value)}"`);
    return option;
}
function discriminatorMap(def) {
    const map = new Map();
    for (const option of def.options) {
        const values = option._zod.propValues?.[def.discriminator];
        if (!values || values.size === 0)
            throw new Error(`Invalid discriminated union option at index "${def.options.indexOf(option)}"`);
        for (const value of values) {
            if (map.has(value)) {
                if (value !== undefined)
                    throw new Error(`Duplicate discriminator value "${String(value)}"`);
                // keep the collision marked so a later member cannot reclaim it
                map.set(value, null);
            }
            else {
                map.set(value, option);
            }
        }
    }
    return map;
}
const $ZodDiscriminatedUnion = 
/*@__PURE__*/
(/* unused pure expression or super */ null && (core.$constructor("$ZodDiscriminatedUnion", (inst, def) => {
    def.inclusive = false;
    $ZodUnion.init(inst, def);
    const _super = inst._zod.parse;
    util.defineLazyInternal(inst, "propValues", (zod) => {
        const propValues = {};
        let undefinedCount = 0;
        for (const option of zod.def.options) {
            const pv = option._zod.propValues;
            if (!pv || Object.keys(pv).length === 0)
                throw new Error(`Invalid discriminated union option at index "${zod.def.options.indexOf(option)}"`);
            if (pv[zod.def.discriminator]?.has(undefined))
                undefinedCount++;
            for (const [k, v] of Object.entries(pv)) {
                if (!Object.prototype.hasOwnProperty.call(propValues, k)) {
                    util.assignProp(propValues, k, new Set());
                }
                for (const val of v) {
                    propValues[k].add(val);
                }
            }
        }
        if (!zod.def.unionFallback && undefinedCount > 1)
            propValues[zod.def.discriminator]?.delete(undefined);
        return propValues;
    });
    // Checked now rather than in the lookup map below, so an option that lacks the discriminator fails at the `discriminatedUnion` call instead of on the first object parsed. Options whose shape cannot be enumerated without resolving it — pipes and lazies — are left to the map.
    def.options.forEach((option, i) => {
        const propShape = util.rawShape(option._zod.def);
        if (propShape && !Object.prototype.hasOwnProperty.call(propShape, def.discriminator)) {
            throw new Error(`Invalid discriminated union option at index "${i}"`);
        }
    });
    const disc = util.cached(() => discriminatorMap(def));
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!util.isObject(input)) {
            payload.issues.push({
                code: "invalid_type",
                expected: "object",
                input,
                inst,
            });
            return payload;
        }
        const value = input?.[def.discriminator];
        const opt = disc.value.get(value);
        // forward metadata cannot choose an encoder for an absent tag
        if (opt && (value !== undefined || ctx.direction !== "backward")) {
            return opt._zod.run(payload, ctx);
        }
        // Fall back to union matching when the fast discriminator path fails:
        // - explicitly enabled via unionFallback, or
        // - during backward direction (encode), since codec-based discriminators have different values in forward vs backward directions
        if (def.unionFallback || ctx.direction === "backward") {
            return _super(payload, ctx);
        }
        // no matching discriminator
        payload.issues.push({
            code: "invalid_union",
            errors: [],
            note: "No matching discriminator",
            discriminator: def.discriminator,
            options: Array.from(disc.value.keys()).filter((value) => disc.value.get(value) !== null),
            input,
            path: [def.discriminator],
            inst,
        });
        return payload;
    };
})));
const $ZodIntersection = /*@__PURE__*/ $constructor("$ZodIntersection", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        const left = def.left._zod.run({ value: input, issues: [] }, ctx);
        const right = def.right._zod.run({ value: input, issues: [] }, ctx);
        const async = left instanceof Promise || right instanceof Promise;
        if (async) {
            return Promise.all([left, right]).then(([left, right]) => {
                return handleIntersectionResults(payload, left, right);
            });
        }
        return handleIntersectionResults(payload, left, right);
    };
});
function mergeValues(a, b) {
    // const aType = parse.t(a);
    // const bType = parse.t(b);
    if (a === b) {
        return { valid: true, data: a };
    }
    if (a instanceof Date && b instanceof Date && +a === +b) {
        return { valid: true, data: a };
    }
    if (isPlainObject(a) && isPlainObject(b)) {
        const bKeys = Object.keys(b);
        const sharedKeys = Object.keys(a).filter((key) => bKeys.indexOf(key) !== -1);
        const newObj = { ...a, ...b };
        if (Object.prototype.hasOwnProperty.call(newObj, "__proto__"))
            delete newObj.__proto__;
        for (const key of sharedKeys) {
            if (key === "__proto__")
                continue;
            const sharedValue = mergeValues(a[key], b[key]);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [key, ...sharedValue.mergeErrorPath],
                };
            }
            newObj[key] = sharedValue.data;
        }
        return { valid: true, data: newObj };
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) {
            return { valid: false, mergeErrorPath: [] };
        }
        const newArray = [];
        for (let index = 0; index < a.length; index++) {
            const itemA = a[index];
            const itemB = b[index];
            const sharedValue = mergeValues(itemA, itemB);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [index, ...sharedValue.mergeErrorPath],
                };
            }
            newArray.push(sharedValue.data);
        }
        return { valid: true, data: newArray };
    }
    return { valid: false, mergeErrorPath: [] };
}
function handleIntersectionResults(result, left, right) {
    // Track which side(s) reject each key. A key rejection is reported only when BOTH sides reject it, so a key owned by one branch survives the other's key schema. strictObject reports these as unrecognized_keys; a record with an open key schema reports one invalid_key per key.
    const unrecKeys = new Map();
    let unrecIssue;
    const keyIssues = new Map();
    const collect = (iss, side) => {
        let keys;
        if (iss.code === "unrecognized_keys" && !iss.path?.length) {
            unrecIssue ?? (unrecIssue = iss);
            keys = iss.keys;
        }
        else if (iss.code === "invalid_key" && iss.origin === "record" && iss.path?.length === 1) {
            const k = String(iss.path[0]);
            if (!keyIssues.has(k))
                keyIssues.set(k, iss);
            keys = [k];
        }
        else {
            return false;
        }
        for (const k of keys) {
            if (!unrecKeys.has(k))
                unrecKeys.set(k, {});
            unrecKeys.get(k)[side] = true;
        }
        return true;
    };
    for (const iss of left.issues) {
        if (!collect(iss, "l"))
            result.issues.push(iss);
    }
    for (const iss of right.issues) {
        if (!collect(iss, "r"))
            result.issues.push(iss);
    }
    // Report only keys rejected by BOTH sides
    const bothKeys = [...unrecKeys].filter(([, f]) => f.l && f.r).map(([k]) => k);
    if (bothKeys.length) {
        const aggregated = unrecIssue ? bothKeys.filter((k) => unrecIssue.keys.includes(k)) : [];
        if (aggregated.length)
            result.issues.push({ ...unrecIssue, keys: aggregated });
        for (const k of bothKeys) {
            if (!aggregated.includes(k) && keyIssues.has(k))
                result.issues.push(keyIssues.get(k));
        }
    }
    const merged = mergeValues(left.value, right.value);
    if (!merged.valid) {
        if (aborted(result))
            return result;
        throw new Error(`Unmergable intersection. Error path: ` + `${JSON.stringify(merged.mergeErrorPath)}`);
    }
    result.value = merged.data;
    return result;
}
const $ZodTuple = /*@__PURE__*/ $constructor("$ZodTuple", (inst, def) => {
    $ZodType.init(inst, def);
    const items = def.items;
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                input,
                inst,
                expected: "tuple",
                code: "invalid_type",
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, [], ctx) : [];
        const proms = [];
        const optinStart = getTupleOptStart(items, "optin");
        const optoutStart = getTupleOptStart(items, "optout");
        if (!def.rest) {
            if (input.length < optinStart) {
                payload.issues.push({
                    code: "too_small",
                    minimum: optinStart,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
                return payload;
            }
            if (input.length > items.length) {
                payload.issues.push({
                    code: "too_big",
                    maximum: items.length,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
            }
        }
        // Run every item in parallel, collecting results into an indexed array. The post-processing in `handleTupleResults` walks them in order so it can decide whether an absent optional-output error can truncate the tail or must be reported to preserve required output.
        const itemResults = new Array(items.length);
        // only tracked when there is a rest loop to skip
        const abortEarly = def.rest ? ctx?.abortEarly : undefined;
        let itemAborted = false;
        for (let i = 0; i < items.length; i++) {
            const r = items[i]._zod.run({ value: input[i], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((rr) => {
                    itemResults[i] = rr;
                }));
            }
            else {
                itemResults[i] = r;
                if (abortEarly && !itemAborted && r.issues.length)
                    itemAborted = aborted(r);
            }
        }
        // sound because rest is non-empty exactly when every fixed index is present, the one case handleTupleResults cannot discard an item's issues
        if (def.rest && !itemAborted) {
            let i = items.length - 1;
            const rest = input.slice(items.length);
            let seen = payload.issues.length;
            for (const el of rest) {
                if (abortEarly && payload.issues.length !== seen) {
                    if (aborted(payload, seen))
                        break;
                    seen = payload.issues.length;
                }
                i++;
                const result = def.rest._zod.run({ value: el, issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((r) => handleTupleResult(r, payload, i)));
                }
                else {
                    handleTupleResult(result, payload, i);
                }
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => handleTupleResults(itemResults, payload, items, input, optoutStart));
        }
        return handleTupleResults(itemResults, payload, items, input, optoutStart);
    };
});
function getTupleOptStart(items, key) {
    for (let i = items.length - 1; i >= 0; i--) {
        // optin is a three-rung ladder so any rung above `undefined` permits an absent slot; optout stays two-valued.
        const omittable = key === "optin" ? items[i]._zod.optin !== undefined : items[i]._zod.optout === "optional";
        if (!omittable)
            return i + 1;
    }
    return 0;
}
function handleTupleResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
function handleTupleResults(itemResults, final, items, input, optoutStart) {
    // Walk results in order. Mirror $ZodObject's swallow-on-absent-optional rule, but only after `optoutStart`: the first index where the output tuple tail can be absent.
    for (let i = 0; i < items.length; i++) {
        const r = itemResults[i];
        const isPresent = i < input.length;
        // The array analog of `handlePropertyResult`'s absent-key early return: the middle rung permits absence without supplying anything in its place, so the tail truncates here instead of materializing whatever the item made of `undefined`.
        if (!isPresent && i >= optoutStart && items[i]._zod.optin === "optional") {
            final.value.length = i;
            break;
        }
        if (r.issues.length) {
            if (!isPresent && i >= optoutStart) {
                final.value.length = i;
                break;
            }
            final.issues.push(...prefixIssues(i, r.issues));
        }
        final.value[i] = r.value;
    }
    // Drop trailing slots that produced `undefined` for absent input
    // (the array analog of an absent optional key on an object). The
    // `i >= input.length` floor is critical: an explicit `undefined`
    // *inside* the input must be preserved even when the schema is
    // optional-out (e.g. `z.string().or(z.undefined())` accepting an
    // explicit undefined value).
    for (let i = final.value.length - 1; i >= input.length; i--) {
        if (items[i]._zod.optout === "optional" && final.value[i] === undefined) {
            final.value.length = i;
        }
        else {
            break;
        }
    }
    return final;
}
const $ZodRecord = /*@__PURE__*/ $constructor("$ZodRecord", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!isPlainObject(input)) {
            payload.issues.push({
                expected: "record",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        // no guard in either loop below: a record's invalid_key aborts but an enclosing intersection can reconcile it, so a stopped loop hides keys the sibling does not own and the intersection then rejects nothing
        const proms = [];
        const values = def.keyType._zod.values;
        if (values && !def.partial) {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            const recordKeys = new Set();
            for (const key of values) {
                if (typeof key === "string" || typeof key === "number" || typeof key === "symbol") {
                    recordKeys.add(typeof key === "number" ? key.toString() : key);
                    // A declared __proto__ is stripped but is not an unrecognized key.
                    if (key === "__proto__")
                        continue;
                    const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                    if (keyResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (keyResult.issues.length) {
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                        continue;
                    }
                    const outKey = keyResult.value;
                    if (outKey === "__proto__")
                        continue;
                    const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                    if (result instanceof Promise) {
                        proms.push(result.then((result) => {
                            if (result.issues.length) {
                                payload.issues.push(...prefixIssues(key, result.issues));
                            }
                            payload.value[outKey] = result.value;
                        }));
                    }
                    else {
                        if (result.issues.length) {
                            payload.issues.push(...prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }
                }
            }
            let unrecognized;
            for (const key in input) {
                if (!recordKeys.has(key)) {
                    if (def.mode === "loose") {
                        // skip __proto__ so it can't replace the result prototype via the assignment setter on the plain {} we build into
                        if (key === "__proto__")
                            continue;
                        payload.value[key] = input[key];
                    }
                    else {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        else {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            // An enumerable key schema declares which keys the record owns, so a key outside the set is unrecognized. A non-enumerable one (regex, refine) is a constraint every key must satisfy, so a failing key is invalid. Only the former is reconcilable against the other side of an intersection.
            let unrecognized;
            // Reflect.ownKeys for Symbol-key support; filter non-enumerable to match z.object()
            for (const key of Reflect.ownKeys(input)) {
                if (key === "__proto__")
                    continue;
                if (!Object.prototype.propertyIsEnumerable.call(input, key))
                    continue;
                let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                if (keyResult instanceof Promise) {
                    throw new Error("Async schemas not supported in object keys currently");
                }
                // Numeric string fallback: if key is a numeric string and failed, retry with Number(key). This handles z.number(), z.literal([1, 2, 3]), and unions containing numeric literals
                const checkNumericKey = typeof key === "string" && number.test(key) && keyResult.issues.length;
                if (checkNumericKey) {
                    const retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
                    if (retryResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (retryResult.issues.length === 0) {
                        keyResult = retryResult;
                    }
                }
                if (keyResult.issues.length) {
                    if (def.mode === "loose") {
                        // Pass through unchanged
                        payload.value[key] = input[key];
                    }
                    else if (values) {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                    else {
                        // Default "strict" behavior: error on invalid key
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                    }
                    continue;
                }
                // the guard above tests the raw input key, but the key schema can normalize an ordinary key into __proto__; re-check the key we actually write under
                const outKey = keyResult.value;
                if (outKey === "__proto__")
                    continue;
                const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((result) => {
                        if (result.issues.length) {
                            payload.issues.push(...prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }));
                }
                else {
                    if (result.issues.length) {
                        payload.issues.push(...prefixIssues(key, result.issues));
                    }
                    payload.value[outKey] = result.value;
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload;
    };
});
const $ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMap", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Map)) {
            payload.issues.push({
                expected: "map",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Map(), ctx) : new Map();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const [key, value] of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
            const valueResult = def.valueType._zod.run({ value: value, issues: [] }, ctx);
            if (keyResult instanceof Promise || valueResult instanceof Promise) {
                proms.push(Promise.all([keyResult, valueResult]).then(([keyResult, valueResult]) => {
                    handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
                }));
            }
            else {
                handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
            }
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, mapSize);
})));
function handleMapResult(keyResult, valueResult, final, key, input, inst, ctx) {
    if (keyResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, keyResult.issues));
        }
        else {
            final.issues.push({
                code: "invalid_key",
                origin: "map",
                input,
                inst,
                issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    if (valueResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, valueResult.issues));
        }
        else {
            final.issues.push({
                origin: "map",
                code: "invalid_element",
                input,
                inst,
                key: key,
                issues: valueResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    final.value.set(keyResult.value, valueResult.value);
}
const $ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSet", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Set)) {
            payload.issues.push({
                input,
                inst,
                expected: "set",
                code: "invalid_type",
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Set(), ctx) : new Set();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const item of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const result = def.valueType._zod.run({ value: item, issues: [] }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleSetResult(result, payload)));
            }
            else
                handleSetResult(result, payload);
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, setSize);
})));
function handleSetResult(result, final) {
    if (result.issues.length) {
        final.issues.push(...result.issues);
    }
    final.value.add(result.value);
}
const $ZodEnum = /*@__PURE__*/ $constructor("$ZodEnum", (inst, def) => {
    $ZodType.init(inst, def);
    const values = getEnumValues(def.entries);
    const valuesSet = new Set(values);
    inst._zod.values = valuesSet;
    defineLazyInternal(inst, "pattern", (zod) => {
        const patternValues = getEnumValues(zod.def.entries).filter((k) => propertyKeyTypes.has(typeof k));
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(patternValues.length ? `^(${patternValues.map((o) => escapeRegex(o.toString())).join("|")})$` : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (valuesSet.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const values = new Set(def.values);
    inst._zod.values = values;
    util.defineLazyInternal(inst, "pattern", (zod) => {
        const vals = zod.def.values;
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(vals.length
            ? `^(${vals
                .map((o) => typeof o === "string" ? util.escapeRegex(o) : o ? util.escapeRegex(o.toString()) : String(o))
                .join("|")})$`
            : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (values.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values: def.values,
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFile", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        // @ts-ignore
        if (input instanceof File)
            return payload;
        payload.issues.push({
            expected: "file",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodTransform = /*@__PURE__*/ $constructor("$ZodTransform", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "optional";
    globalConfig.memoizer?.guard(inst);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        const _out = def.transform(payload.value, payload);
        if (ctx.async) {
            const output = _out instanceof Promise ? _out : Promise.resolve(_out);
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        if (_out instanceof Promise) {
            throw new $ZodAsyncError();
        }
        payload.value = _out;
        return payload;
    };
});
function handleOptionalResult(payload, result) {
    // A substituting schema that still failed has no usable answer; yield undefined. Its issues are simply dropped: it ran on a payload of its own, so there is no shared array to truncate and nothing of the caller's to lose with it.
    payload.value = result.issues.length ? undefined : result.value;
    return payload;
}
const $ZodOptional = /*@__PURE__*/ $constructor("$ZodOptional", (inst, def) => {
    $ZodType.init(inst, def);
    // .optional() propagates absence rather than substituting for it, so a defaulted inner keeps its rung.
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    inst._zod.optout = "optional";
    defineLazyInternal(inst, "values", (zod) => {
        const values = zod.def.innerType._zod.values;
        return values ? new Set([...values, undefined]) : undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)})?$`) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        if (payload.value === undefined) {
            // Only the top rung substitutes a value for absence; everything else leaves it intact, which is what .optional() means.
            if (def.innerType._zod.optin !== "defaulted")
                return payload;
            // Its own payload, for the same reason $ZodCatch gets one: a pipe forwards an unrecognized key through the caller's issues array, and this must not read that as the substituting schema failing and drop it.
            const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
            if (result instanceof Promise)
                return result.then((result) => handleOptionalResult(payload, result));
            return handleOptionalResult(payload, result);
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodExactOptional = /*@__PURE__*/ $constructor("$ZodExactOptional", (inst, def) => {
    // Call parent init - inherits optin/optout = "optional"
    $ZodOptional.init(inst, def);
    // Override values/pattern to NOT add undefined
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    defineLazyInternal(inst, "pattern", (zod) => zod.def.innerType._zod.pattern);
    // Override parse to just delegate (no undefined handling)
    inst._zod.parse = (payload, ctx) => {
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNullable = /*@__PURE__*/ $constructor("$ZodNullable", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)}|null)$`) : undefined;
    });
    defineLazyInternal(inst, "values", (zod) => {
        return zod.def.innerType._zod.values ? new Set([...zod.def.innerType._zod.values, null]) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        // Forward direction (decode): allow null to pass through
        if (payload.value === null)
            return payload;
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodDefault = /*@__PURE__*/ $constructor("$ZodDefault", (inst, def) => {
    $ZodType.init(inst, def);
    // inst._zod.qin = "true";
    inst._zod.optin = "defaulted";
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply defaults for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
            /**
             * $ZodDefault returns the default value immediately in forward direction.
             * It doesn't pass the default value into the validator ("prefault"). There's no reason to pass the default value through validation. The validity of the default is enforced by TypeScript statically. Otherwise, it's the responsibility of the user to ensure the default is valid. In the case of pipes with divergent in/out types, you can specify the default on the `in` schema of your ZodPipe to set a "prefault" for the pipe.   */
            return payload;
        }
        // Forward direction: continue with default handling
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleDefaultResult(result, def));
        }
        return handleDefaultResult(result, def);
    };
});
function handleDefaultResult(payload, def) {
    if (payload.value === undefined) {
        payload.value = def.defaultValue;
    }
    return payload;
}
const $ZodPrefault = /*@__PURE__*/ $constructor("$ZodPrefault", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "defaulted";
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply prefault for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNonOptional = /*@__PURE__*/ $constructor("$ZodNonOptional", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => {
        const v = zod.def.innerType._zod.values;
        return v ? new Set([...v].filter((x) => x !== undefined)) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleNonOptionalResult(result, inst));
        }
        return handleNonOptionalResult(result, inst);
    };
});
function handleNonOptionalResult(payload, inst) {
    if (!payload.issues.length && payload.value === undefined) {
        payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: payload.value,
            inst,
        });
    }
    return payload;
}
const $ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSuccess", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core.$ZodEncodeError("ZodSuccess");
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => {
                payload.value = result.issues.length === 0;
                return payload;
            });
        }
        payload.value = result.issues.length === 0;
        return payload;
    };
})));
function handleCatchResult(payload, result, def, ctx) {
    if (!result.issues.length) {
        payload.value = result.value;
        // The value carries up, so the flag describing it has to carry with it: a back-edge into a node still being parsed must not be frozen by an enclosing readonly, and its checks belong to the node itself. Guarded so the ordinary case adds no own property.
        if (result.memo)
            payload.memo = true;
        return payload;
    }
    // Spread the inner's own payload, not ours: `value` has to stay the input the catch was handed, and the inner ran on a payload of its own so its issues are already private to this call.
    payload.value = def.catchValue({
        ...result,
        value: payload.value,
        error: {
            issues: result.issues.map((iss) => finalizeIssue(iss, ctx, config())),
        },
        input: payload.value,
    });
    return payload;
}
const $ZodCatch = /*@__PURE__*/ $constructor("$ZodCatch", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply catch logic
        const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleCatchResult(payload, result, def, ctx));
        }
        return handleCatchResult(payload, result, def, ctx);
    };
});
const $ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNaN", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "number" || !Number.isNaN(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "nan",
                code: "invalid_type",
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodPipe = /*@__PURE__*/ $constructor("$ZodPipe", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handlePipeResult(right, def.in, ctx));
            }
            return handlePipeResult(right, def.in, ctx);
        }
        const left = def.in._zod.run(payload, ctx);
        if (left instanceof Promise) {
            return left.then((left) => handlePipeResult(left, def.out, ctx));
        }
        return handlePipeResult(left, def.out, ctx);
    };
});
function handlePipeResult(left, next, ctx) {
    // Any issue stops the pipe, so a failing refinement never feeds its transform. An unrecognized key is the exception: it describes the input's extra properties, not the value being piped, and an enclosing intersection may yet reconcile it.
    if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
        // prevent further checks
        left.aborted = true;
        return left;
    }
    return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}
const $ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCodec", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        const direction = ctx.direction || "forward";
        if (direction === "forward") {
            const left = def.in._zod.run(payload, ctx);
            if (left instanceof Promise) {
                return left.then((left) => handleCodecAResult(left, def, ctx));
            }
            return handleCodecAResult(left, def, ctx);
        }
        else {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handleCodecAResult(right, def, ctx));
            }
            return handleCodecAResult(right, def, ctx);
        }
    };
})));
function handleCodecAResult(result, def, ctx) {
    if (result.issues.length) {
        // prevent further checks
        result.aborted = true;
        return result;
    }
    const direction = ctx.direction || "forward";
    if (direction === "forward") {
        const transformed = def.transform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.out, ctx));
        }
        return handleCodecTxResult(result, transformed, def.out, ctx);
    }
    else {
        const transformed = def.reverseTransform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.in, ctx));
        }
        return handleCodecTxResult(result, transformed, def.in, ctx);
    }
}
function handleCodecTxResult(left, value, nextSchema, ctx) {
    // Check if transform added any issues
    if (left.issues.length) {
        left.aborted = true;
        return left;
    }
    return nextSchema._zod.run({ value, issues: left.issues }, ctx);
}
const $ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPreprocess", (inst, def) => {
    $ZodPipe.init(inst, def);
})));
const $ZodReadonly = /*@__PURE__*/ $constructor("$ZodReadonly", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.innerType._zod.propValues);
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType?._zod?.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType?._zod?.optout);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then(handleReadonlyResult);
        }
        return handleReadonlyResult(result);
    };
});
function handleReadonlyResult(payload) {
    // A repeat visit hands back a node that is still being built; freezing it here would make the rest of its keys fail to assign.
    if (!payload.memo)
        payload.value = Object.freeze(payload.value);
    return payload;
}
// a leaf's pattern source with its own checks folded in: the last pattern-carrying check wins, else length bounds narrow the catch-all, else an integer format narrows the number form. the fold lives here instead of on `_zod.pattern` so a bundle without template literals never pays for it
function leafPattern(schema) {
    const def = schema._zod.def;
    let pattern = def.pattern;
    let isInt = !!def.format?.includes("int");
    let minimum;
    let maximum;
    for (const ch of def.checks ?? []) {
        const d = ch._zod.def;
        if (d.pattern)
            pattern = d.pattern;
        isInt || (isInt = !!d.format?.includes("int"));
        const lo = d.minimum ?? d.length;
        const hi = d.maximum ?? d.length;
        if (lo !== undefined && (minimum === undefined || lo > minimum))
            minimum = lo;
        if (hi !== undefined && (maximum === undefined || hi < maximum))
            maximum = hi;
    }
    if (pattern)
        return pattern.source;
    // an empty range matches nothing at runtime, and `{8,5}` is not a legal quantifier
    if (minimum !== undefined && maximum !== undefined && minimum > maximum)
        return "(?!)";
    if (minimum !== undefined || maximum !== undefined)
        return regexes.string({ minimum, maximum }).source;
    const own = schema._zod.pattern;
    return (isInt && own === regexes.number ? regexes.integer : own)?.source;
}
// a part's pattern source. a wrapper's pattern embeds its inner pattern's source verbatim, so the folded form is substituted in place without knowing the wrapper's own composition; a union's options are joined the way the union builds its own pattern
function partPattern(schema) {
    const def = schema._zod.def;
    const own = schema._zod.pattern?.source;
    // lazy resolves its inner on the internals, not the def
    const inner = def.innerType ?? schema._zod.innerType;
    if (inner) {
        const before = inner._zod.pattern?.source;
        const after = partPattern(inner);
        if (own && before && after && after !== before) {
            return own.replace(util.cleanRegex(before), () => util.cleanRegex(after));
        }
        return own;
    }
    if (def.options) {
        const sources = def.options.map(partPattern);
        if (sources.every(Boolean))
            return `^(${sources.map((s) => util.cleanRegex(s)).join("|")})$`;
    }
    return leafPattern(schema);
}
const $ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodTemplateLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const regexParts = [];
    for (const part of def.parts) {
        if (typeof part === "object" && part !== null) {
            // is Zod schema
            const source = partPattern(part);
            if (!source) {
                throw new Error(`Invalid template literal part, no pattern found: ${[...part._zod.traits].shift()}`);
            }
            regexParts.push(util.cleanRegex(source));
        }
        else if (part === null || util.primitiveTypes.has(typeof part)) {
            regexParts.push(util.escapeRegex(`${part}`));
        }
        else {
            throw new Error(`Invalid template literal part: ${part}`);
        }
    }
    inst._zod.pattern = new RegExp(`^${regexParts.join("")}$`);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "string") {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "string",
                code: "invalid_type",
            });
            return payload;
        }
        inst._zod.pattern.lastIndex = 0;
        if (!inst._zod.pattern.test(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                code: "invalid_format",
                format: def.format ?? "template_literal",
                pattern: inst._zod.pattern.source,
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFunction", (inst, def) => {
    $ZodType.init(inst, def);
    // Defined, not assigned: the classic prototype exposes `_def` as a getter with no setter.
    Object.defineProperty(inst, "_def", { value: def });
    inst._zod.def = def;
    inst.implement = (func) => {
        if (typeof func !== "function") {
            throw new Error("implement() must be called with a function");
        }
        // Defined inline so the closure stays anonymous: binding it to a `const` first names it, which costs 256 bytes per implemented function.
        return Object.defineProperty(function (...args) {
            const parsedArgs = inst._def.input ? parse(inst._def.input, args) : args;
            const result = Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return parse(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst.implementAsync = (func) => {
        if (typeof func !== "function") {
            throw new Error("implementAsync() must be called with a function");
        }
        return Object.defineProperty(async function (...args) {
            const parsedArgs = inst._def.input ? await parseAsync(inst._def.input, args) : args;
            const result = await Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return await parseAsync(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "function") {
            payload.issues.push({
                code: "invalid_type",
                expected: "function",
                input: payload.value,
                inst,
            });
            return payload;
        }
        // Check if output is a promise type to determine if we should use async implementation
        const hasPromiseOutput = inst._def.output && inst._def.output._zod.def.type === "promise";
        if (hasPromiseOutput) {
            payload.value = inst.implementAsync(payload.value);
        }
        else {
            payload.value = inst.implement(payload.value);
        }
        return payload;
    };
    inst.input = (...args) => {
        const F = inst.constructor;
        if (Array.isArray(args[0])) {
            return new F({
                type: "function",
                input: new $ZodTuple({
                    type: "tuple",
                    items: args[0],
                    rest: args[1],
                }),
                output: inst._def.output,
            });
        }
        return new F({
            type: "function",
            input: args[0],
            output: inst._def.output,
        });
    };
    inst.output = (output) => {
        const F = inst.constructor;
        return new F({
            type: "function",
            input: inst._def.input,
            output,
        });
    };
    return inst;
})));
const $ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPromise", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        return Promise.resolve(payload.value).then((inner) => def.innerType._zod.run({ value: inner, issues: [] }, ctx));
    };
})));
const $ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLazy", (inst, def) => {
    $ZodType.init(inst, def);
    // Cache the resolved inner type on the shared `def` so all clones of this lazy (e.g. via `.describe()`/`.meta()`) share the same inner instance, preserving identity for cycle detection on recursive schemas.
    util.defineLazy(inst._zod, "innerType", () => {
        const d = def;
        if (!d._cachedInner)
            d._cachedInner = def.getter();
        return d._cachedInner;
    });
    util.defineLazyInternal(inst, "pattern", (zod) => zod.innerType?._zod?.pattern);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.innerType?._zod?.propValues);
    util.defineLazyInternal(inst, "optin", (zod) => zod.innerType?._zod?.optin ?? undefined);
    util.defineLazyInternal(inst, "optout", (zod) => zod.innerType?._zod?.optout ?? undefined);
    inst._zod.parse = (payload, ctx) => {
        const inner = inst._zod.innerType;
        return inner._zod.run(payload, ctx);
    };
})));
const $ZodCustom = /*@__PURE__*/ $constructor("$ZodCustom", (inst, def) => {
    $ZodCheck.init(inst, def);
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _) => {
        return payload;
    };
    inst._zod.check = (payload) => {
        const input = payload.value;
        const r = def.fn(input);
        if (r instanceof Promise) {
            return r.then((r) => handleRefineResult(r, payload, input, inst));
        }
        handleRefineResult(r, payload, input, inst);
        return;
    };
});
function handleRefineResult(result, payload, input, inst) {
    if (!result) {
        const _iss = {
            code: "custom",
            input,
            inst, // incorporates params.error into issue reporting
            path: [...(inst._zod.def.path ?? [])], // incorporates params.error into issue reporting
            continue: !inst._zod.def.abort,
            // params: inst._zod.def.params,
        };
        if (inst._zod.def.params)
            _iss.params = inst._zod.def.params;
        payload.issues.push(util_issue(_iss));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/registries.js
var registries_a;
const $output = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodOutput")));
const $input = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodInput")));
class $ZodRegistry {
    constructor() {
        this._map = new WeakMap();
        this._idmap = new Map();
    }
    add(schema, ..._meta) {
        const meta = _meta[0];
        this._map.set(schema, meta);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.set(meta.id, schema);
        }
        return this;
    }
    clear() {
        this._map = new WeakMap();
        this._idmap = new Map();
        return this;
    }
    remove(schema) {
        const meta = this._map.get(schema);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.delete(meta.id);
        }
        this._map.delete(schema);
        return this;
    }
    get(schema) {
        // return this._map.get(schema) as any;
        // inherit metadata
        const p = schema._zod.parent;
        if (p) {
            const pm = { ...(this.get(p) ?? {}) };
            delete pm.id; // do not inherit id
            const f = { ...pm, ...this._map.get(schema) };
            return Object.keys(f).length ? f : undefined;
        }
        return this._map.get(schema);
    }
    has(schema) {
        return this._map.has(schema);
    }
}
// registries
function registry() {
    return new $ZodRegistry();
}
(registries_a = globalThis).__zod_globalRegistry ?? (registries_a.__zod_globalRegistry = registry());
const globalRegistry = globalThis.__zod_globalRegistry;

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/api.js




function snapshotChecks(def) {
    if (def.checks)
        def.checks = [...def.checks];
    return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
    return new Class(snapshotChecks({ type: "string", ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedString(Class, params) {
    return new Class(snapshotChecks({ type: "string", coerce: true, ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _email(Class, params) {
    return new Class({
        type: "string",
        format: "email",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _guid(Class, params) {
    return new Class({
        type: "string",
        format: "guid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuid(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv4(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v4",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv6(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v6",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv7(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v7",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _url(Class, params) {
    return new Class({
        type: "string",
        format: "url",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_emoji(Class, params) {
    return new Class({
        type: "string",
        format: "emoji",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nanoid(Class, params) {
    return new Class({
        type: "string",
        format: "nanoid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link _cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
// @__NO_SIDE_EFFECTS__
function _cuid(Class, params) {
    return new Class({
        type: "string",
        format: "cuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cuid2(Class, params) {
    return new Class({
        type: "string",
        format: "cuid2",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ulid(Class, params) {
    return new Class({
        type: "string",
        format: "ulid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _xid(Class, params) {
    return new Class({
        type: "string",
        format: "xid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ksuid(Class, params) {
    return new Class({
        type: "string",
        format: "ksuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv4(Class, params) {
    return new Class({
        type: "string",
        format: "ipv4",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv6(Class, params) {
    return new Class({
        type: "string",
        format: "ipv6",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mac(Class, params) {
    return new Class({
        type: "string",
        format: "mac",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv4(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv4",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv6(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv6",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64(Class, params) {
    return new Class({
        type: "string",
        format: "base64",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64url(Class, params) {
    return new Class({
        type: "string",
        format: "base64url",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _e164(Class, params) {
    return new Class({
        type: "string",
        format: "e164",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _creditCard(Class, params) {
    return new Class({
        type: "string",
        format: "credit_card",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _iban(Class, params) {
    return new Class({
        type: "string",
        format: "iban",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _jwt(Class, params) {
    return new Class({
        type: "string",
        format: "jwt",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
const TimePrecision = {
    Any: null,
    Minute: -1,
    Second: 0,
    Millisecond: 3,
    Microsecond: 6,
};
// @__NO_SIDE_EFFECTS__
function _isoDateTime(Class, params) {
    return new Class({
        type: "string",
        format: "datetime",
        check: "string_format",
        offset: false,
        local: false,
        precision: null,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
    return new Class({
        type: "string",
        format: "date",
        check: "string_format",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
    return new Class({
        type: "string",
        format: "time",
        check: "string_format",
        precision: null,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
    return new Class({
        type: "string",
        format: "duration",
        check: "string_format",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
    return new Class(snapshotChecks({ type: "number", checks: [], ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedNumber(Class, params) {
    return new Class(snapshotChecks({ type: "number", coerce: true, checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "safeint",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float64(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "int32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "uint32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
    return new Class({
        type: "boolean",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBoolean(Class, params) {
    return new Class({
        type: "boolean",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _bigint(Class, params) {
    return new Class({
        type: "bigint",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBigint(Class, params) {
    return new Class({
        type: "bigint",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "int64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "uint64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _symbol(Class, params) {
    return new Class({
        type: "symbol",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_undefined(Class, params) {
    return new Class({
        type: "undefined",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_null(Class, params) {
    return new Class({
        type: "null",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _any(Class) {
    return new Class({
        type: "any",
    });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
    return new Class({
        type: "unknown",
    });
}
// @__NO_SIDE_EFFECTS__
function _never(Class, params) {
    return new Class({
        type: "never",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _void(Class, params) {
    return new Class({
        type: "void",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _date(Class, params) {
    return new Class({
        type: "date",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedDate(Class, params) {
    return new Class({
        type: "date",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nan(Class, params) {
    return new Class({
        type: "nan",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lt(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _lte(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _positive(params) {
    return _gt(0, params);
}
// negative
// @__NO_SIDE_EFFECTS__
function _negative(params) {
    return _lt(0, params);
}
// nonpositive
// @__NO_SIDE_EFFECTS__
function _nonpositive(params) {
    return _lte(0, params);
}
// nonnegative
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
    return _gte(0, params);
}
// @__NO_SIDE_EFFECTS__
function _multipleOf(value, params) {
    return new $ZodCheckMultipleOf({
        check: "multiple_of",
        ...normalizeParams(params),
        value,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxSize(maximum, params) {
    return new checks.$ZodCheckMaxSize({
        check: "max_size",
        ...util.normalizeParams(params),
        maximum,
    });
}
// @__NO_SIDE_EFFECTS__
function _minSize(minimum, params) {
    return new checks.$ZodCheckMinSize({
        check: "min_size",
        ...util.normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _size(size, params) {
    return new checks.$ZodCheckSizeEquals({
        check: "size_equals",
        ...util.normalizeParams(params),
        size,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxLength(maximum, params) {
    const ch = new $ZodCheckMaxLength({
        check: "max_length",
        ...normalizeParams(params),
        maximum,
    });
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
    return new $ZodCheckMinLength({
        check: "min_length",
        ...normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _length(length, params) {
    return new $ZodCheckLengthEquals({
        check: "length_equals",
        ...normalizeParams(params),
        length,
    });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
    return new $ZodCheckRegex({
        check: "string_format",
        format: "regex",
        ...normalizeParams(params),
        pattern,
    });
}
// @__NO_SIDE_EFFECTS__
function _lowercase(params) {
    return new $ZodCheckLowerCase({
        check: "string_format",
        format: "lowercase",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uppercase(params) {
    return new $ZodCheckUpperCase({
        check: "string_format",
        format: "uppercase",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _includes(includes, params) {
    return new $ZodCheckIncludes({
        check: "string_format",
        format: "includes",
        ...normalizeParams(params),
        includes,
    });
}
// @__NO_SIDE_EFFECTS__
function _startsWith(prefix, params) {
    return new $ZodCheckStartsWith({
        check: "string_format",
        format: "starts_with",
        ...normalizeParams(params),
        prefix,
    });
}
// @__NO_SIDE_EFFECTS__
function _endsWith(suffix, params) {
    return new $ZodCheckEndsWith({
        check: "string_format",
        format: "ends_with",
        ...normalizeParams(params),
        suffix,
    });
}
// @__NO_SIDE_EFFECTS__
function _property(property, schema, params) {
    return new checks.$ZodCheckProperty({
        check: "property",
        property,
        schema,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _properties(shape, params) {
    return new $ZodCheckProperties({
        check: "properties",
        shape,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mime(types, params) {
    return new checks.$ZodCheckMimeType({
        check: "mime_type",
        mime: types,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _overwrite(tx) {
    return new $ZodCheckOverwrite({
        check: "overwrite",
        tx,
    });
}
// normalize
// @__NO_SIDE_EFFECTS__
function _normalize(form) {
    return _overwrite((input) => input.normalize(form));
}
// trim
// @__NO_SIDE_EFFECTS__
function _trim() {
    return _overwrite((input) => input.trim());
}
// toLowerCase
// @__NO_SIDE_EFFECTS__
function _toLowerCase() {
    return _overwrite((input) => input.toLowerCase());
}
// toUpperCase
// @__NO_SIDE_EFFECTS__
function _toUpperCase() {
    return _overwrite((input) => input.toUpperCase());
}
// slugify
// @__NO_SIDE_EFFECTS__
function _slugify() {
    return _overwrite((input) => slugify(input));
}
// @__NO_SIDE_EFFECTS__
function _array(Class, element, params) {
    return new Class({
        type: "array",
        element,
        // get element() {
        //   return element;
        // },
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _union(Class, options, params) {
    return new Class({
        type: "union",
        options,
        ...util.normalizeParams(params),
    });
}
function _xor(Class, options, params) {
    return new Class({
        type: "union",
        options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _discriminatedUnion(Class, discriminator, options, params) {
    return new Class({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _intersection(Class, left, right) {
    return new Class({
        type: "intersection",
        left,
        right,
    });
}
// export function _tuple(
//   Class: util.SchemaClass<schemas.$ZodTuple>,
//   items: [],
//   params?: string | $ZodTupleParams
// ): schemas.$ZodTuple<[], null>;
// @__NO_SIDE_EFFECTS__
function _tuple(Class, items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof schemas.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new Class({
        type: "tuple",
        items,
        rest,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _record(Class, keyType, valueType, params) {
    return new Class({
        type: "record",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _map(Class, keyType, valueType, params) {
    return new Class({
        type: "map",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _set(Class, valueType, params) {
    return new Class({
        type: "set",
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _enum(Class, values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    // if (Array.isArray(values)) {
    //   for (const value of values) {
    //     entries[value] = value;
    //   }
    // } else {
    //   Object.assign(entries, values);
    // }
    // const entries: util.EnumLike = {};
    // for (const val of values) {
    //   entries[val] = val;
    // }
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function _nativeEnum(Class, entries, params) {
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _literal(Class, value, params) {
    return new Class({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _file(Class, params) {
    return new Class({
        type: "file",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _transform(Class, fn) {
    return new Class({
        type: "transform",
        transform: fn,
    });
}
// @__NO_SIDE_EFFECTS__
function _optional(Class, innerType) {
    return new Class({
        type: "optional",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _nullable(Class, innerType) {
    return new Class({
        type: "nullable",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _default(Class, innerType, defaultValue) {
    return new Class({
        type: "default",
        innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
// @__NO_SIDE_EFFECTS__
function _nonoptional(Class, innerType, params) {
    return new Class({
        type: "nonoptional",
        innerType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _success(Class, innerType) {
    return new Class({
        type: "success",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _catch(Class, innerType, catchValue) {
    return new Class({
        type: "catch",
        innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : util.constantCatch(catchValue)),
    });
}
// @__NO_SIDE_EFFECTS__
function _pipe(Class, in_, out) {
    return new Class({
        type: "pipe",
        in: in_,
        out,
    });
}
// @__NO_SIDE_EFFECTS__
function _readonly(Class, innerType) {
    return new Class({
        type: "readonly",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _templateLiteral(Class, parts, params) {
    return new Class({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lazy(Class, getter) {
    return new Class({
        type: "lazy",
        getter,
    });
}
// @__NO_SIDE_EFFECTS__
function _promise(Class, innerType) {
    return new Class({
        type: "promise",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _custom(Class, fn, _params) {
    const norm = util.normalizeParams(_params);
    norm.abort ?? (norm.abort = true); // default to abort:false
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...norm,
    });
    return schema;
}
// same as _custom but defaults to abort:false
// @__NO_SIDE_EFFECTS__
function _refine(Class, fn, _params) {
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...normalizeParams(_params),
    });
    return schema;
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
    const ch = _check((payload) => {
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util_issue(issue, payload.value, ch._zod.def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = ch);
                _issue.continue ?? (_issue.continue = !ch._zod.def.abort); // abort is always undefined, so this is always true...
                payload.issues.push(util_issue(_issue));
            }
        };
        return fn(payload.value, payload);
    }, params);
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
    const ch = new $ZodCheck({
        check: "custom",
        ...normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
// @__NO_SIDE_EFFECTS__
function describe(description) {
    const ch = new $ZodCheck({ check: "describe" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, description });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function meta(metadata) {
    const ch = new $ZodCheck({ check: "meta" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, ...metadata });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _stringbool(Classes, _params) {
    const params = util.normalizeParams(_params);
    let truthyArray = params.truthy ?? ["true", "1", "yes", "on", "y", "enabled"];
    let falsyArray = params.falsy ?? ["false", "0", "no", "off", "n", "disabled"];
    if (params.case !== "sensitive") {
        truthyArray = truthyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
        falsyArray = falsyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
    }
    const truthySet = new Set(truthyArray);
    const falsySet = new Set(falsyArray);
    const _Codec = Classes.Codec ?? schemas.$ZodCodec;
    const _Boolean = Classes.Boolean ?? schemas.$ZodBoolean;
    const _String = Classes.String ?? schemas.$ZodString;
    const stringSchema = new _String({ type: "string", error: params.error });
    const booleanSchema = new _Boolean({ type: "boolean", error: params.error });
    const codec = new _Codec({
        type: "pipe",
        in: stringSchema,
        out: booleanSchema,
        transform: ((input, payload) => {
            let data = input;
            if (params.case !== "sensitive")
                data = data.toLowerCase();
            if (truthySet.has(data)) {
                return true;
            }
            else if (falsySet.has(data)) {
                return false;
            }
            else {
                payload.issues.push({
                    code: "invalid_value",
                    expected: "stringbool",
                    values: [...truthySet, ...falsySet],
                    input: payload.value,
                    inst: codec,
                    continue: false,
                });
                return {};
            }
        }),
        reverseTransform: ((input, _payload) => {
            if (input === true) {
                return truthyArray[0] || "true";
            }
            else {
                return falsyArray[0] || "false";
            }
        }),
        error: params.error,
    });
    codec._zod.bag.truthy = truthyArray;
    codec._zod.bag.falsy = falsyArray;
    codec._zod.bag.case = params.case ?? "insensitive";
    return codec;
}
// @__NO_SIDE_EFFECTS__
function _stringFormat(Class, format, fnOrRegex, _params = {}) {
    const params = util.normalizeParams(_params);
    const def = {
        check: "string_format",
        type: "string",
        format,
        fn: typeof fnOrRegex === "function" ? fnOrRegex : (val) => fnOrRegex.test(val),
        ...params,
    };
    if (fnOrRegex instanceof RegExp) {
        def.pattern = fnOrRegex;
    }
    const inst = new Class(def);
    return inst;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/to-json-schema.js


function assignProps(target, ...sources) {
    for (const source of sources) {
        for (const key of Reflect.ownKeys(source)) {
            if (Object.prototype.propertyIsEnumerable.call(source, key)) {
                util_assignProp(target, key, source[key]);
            }
        }
    }
    return target;
}
// function initializeContext<T extends schemas.$ZodType>(inputs: JSONSchemaGeneratorParams<T>): ToJSONSchemaContext<T> {
//   return {
//     processor: inputs.processor,
//     metadataRegistry: inputs.metadata ?? globalRegistry,
//     target: inputs.target ?? "draft-2020-12",
//     unrepresentable: inputs.unrepresentable ?? "throw",
//   };
// }
function to_json_schema_initializeContext(params) {
    // Normalize target: convert old non-hyphenated versions to hyphenated versions
    let target = params?.target ?? "draft-2020-12";
    if (target === "draft-4")
        target = "draft-04";
    if (target === "draft-7")
        target = "draft-07";
    return {
        processors: params.processors ?? {},
        metadataRegistry: params?.metadata ?? globalRegistry,
        target,
        unrepresentable: params?.unrepresentable ?? "throw",
        override: params?.override ?? (() => { }),
        io: params?.io ?? "output",
        counter: 0,
        seen: new Map(),
        sharedDefsExtractedFor: undefined,
        sharedEmitDoneFor: undefined,
        cycles: params?.cycles ?? "ref",
        reused: params?.reused ?? "inline",
        intersections: [],
        deferred: [],
        external: params?.external ?? undefined,
    };
}
/**
 * Applies the `unrepresentable` setting at a site that has no JSON Schema equivalent. Throws
 * `message` unless the setting (or the handler's return value) says otherwise. Returns `true` if a
 * custom JSON Schema was written into `json`, in which case the caller must not write its own.
 */
function handleUnrepresentable(schema, ctx, json, params, message) {
    const result = typeof ctx.unrepresentable === "function"
        ? ctx.unrepresentable({ zodSchema: schema, path: params.path, message })
        : ctx.unrepresentable;
    if (result === "any")
        return false;
    if (result === undefined || result === "throw")
        throw new Error(message);
    Object.assign(json, result);
    return true;
}
// never rename this back to `process`: bundler polyfills inject a top-level `const process` that a lexical declaration of the same name collides with (#6397)
function to_json_schema_processSchema(schema, ctx, _params = { path: [], schemaPath: [] }) {
    var _a;
    const def = schema._zod.def;
    // check for schema in seens
    const seen = ctx.seen.get(schema);
    if (seen) {
        seen.count++;
        // check if cycle
        const isCycle = _params.schemaPath.includes(schema);
        if (isCycle) {
            seen.cycle = _params.path;
        }
        return seen.schema;
    }
    // initialize
    const result = { schema: {}, count: 1, cycle: undefined, path: _params.path };
    ctx.seen.set(schema, result);
    ctx.sharedDefsExtractedFor = undefined;
    ctx.sharedEmitDoneFor = undefined;
    // custom method overrides default behavior
    const overrideSchema = schema._zod.toJSONSchema?.();
    if (overrideSchema) {
        result.schema = overrideSchema;
    }
    else {
        const params = {
            ..._params,
            schemaPath: [..._params.schemaPath, schema],
            path: _params.path,
        };
        if (schema._zod.processJSONSchema) {
            schema._zod.processJSONSchema(ctx, result.schema, params);
        }
        else {
            const _json = result.schema;
            const processor = ctx.processors[def.type];
            if (!processor) {
                throw new Error(`[toJSONSchema]: Non-representable type encountered: ${def.type}`);
            }
            processor(schema, ctx, _json, params);
        }
        const parent = schema._zod.parent;
        if (parent) {
            // Also set ref if processor didn't (for inheritance)
            if (!result.ref)
                result.ref = parent;
            to_json_schema_processSchema(parent, ctx, params);
            ctx.seen.get(parent).isParent = true;
        }
    }
    // metadata
    const meta = ctx.metadataRegistry.get(schema);
    if (meta)
        assignProps(result.schema, meta);
    if (ctx.io === "input" && isTransforming(schema)) {
        // examples/defaults only apply to output type of pipe
        delete result.schema.examples;
        delete result.schema.default;
    }
    // set prefault as default
    if (ctx.io === "input" && "_prefault" in result.schema)
        (_a = result.schema).default ?? (_a.default = result.schema._prefault);
    delete result.schema._prefault;
    // pulling fresh from ctx.seen in case it was overwritten
    const _result = ctx.seen.get(schema);
    return _result.schema;
}
/** @deprecated Renamed to `processSchema`. An export alias declares no binding, so it is safe to keep. */

// Escape a reference token for use in a JSON Pointer fragment (RFC 6901): `~` becomes `~0` and `/` becomes `~1`. The `~` replacement must run first.
function encodeJSONPointerSegment(segment) {
    return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
function to_json_schema_extractDefs(ctx, schema
// params: EmitParams
) {
    // iterate over seen map;
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // With `external` set, every registered schema resolves through the external branch of `makeURI`, so the root branch below produces the same ref the external branch would — this pass is identical whichever schema it is called with, and only needs to run once.
    if (ctx.external && ctx.sharedDefsExtractedFor === ctx.external)
        return;
    // Track ids to detect duplicates across different schemas
    const idToSchema = new Map();
    for (const entry of ctx.seen.entries()) {
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            const existing = idToSchema.get(id);
            if (existing && existing !== entry[0]) {
                throw new Error(`Duplicate schema id "${id}" detected during JSON Schema conversion. Two different schemas cannot share the same id when converted together.`);
            }
            idToSchema.set(id, entry[0]);
        }
    }
    // returns a ref to the schema defId will be empty if the ref points to an external schema (or #)
    const makeURI = (entry) => {
        // comparing the seen objects because sometimes multiple schemas map to the same seen object. e.g. lazy
        // external is configured
        const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
        if (ctx.external) {
            const externalId = ctx.external.registry.get(entry[0])?.id; // ?? "__shared";// `__schema${ctx.counter++}`;
            // check if schema is in the external registry
            const uriGenerator = ctx.external.uri ?? ((id) => id);
            if (externalId) {
                return { ref: uriGenerator(externalId) };
            }
            // otherwise, add to __shared
            const id = entry[1].defId ?? entry[1].schema.id ?? `schema${ctx.counter++}`;
            entry[1].defId = id; // set defId so it will be reused if needed
            return { defId: id, ref: `${uriGenerator("__shared")}#/${defsSegment}/${encodeJSONPointerSegment(id)}` };
        }
        const uriPrefix = `#`;
        const defUriPrefix = `${uriPrefix}/${defsSegment}/`;
        // an id-less root has nowhere to be extracted to, so it stays inline and self-references as `#`
        if (entry[1] === root && !entry[1].schema.id) {
            return { ref: uriPrefix };
        }
        // self-contained schema
        const defId = entry[1].schema.id ?? `__schema${ctx.counter++}`;
        return { defId, ref: defUriPrefix + encodeJSONPointerSegment(defId) };
    };
    // stored cached version in `def` property remove all properties, set $ref
    const extractToDef = (entry) => {
        // if the schema is already a reference, do not extract it
        if (entry[1].schema.$ref) {
            return;
        }
        const seen = entry[1];
        const { ref, defId } = makeURI(entry);
        seen.def = { ...seen.schema };
        // defId won't be set if the schema is a reference to an external schema or if the schema is the root schema
        if (defId)
            seen.defId = defId;
        // wipe away all properties except $ref
        const schema = seen.schema;
        for (const key in schema) {
            delete schema[key];
        }
        schema.$ref = ref;
    };
    // throw on cycles
    // break cycles
    if (ctx.cycles === "throw") {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.cycle) {
                throw new Error("Cycle detected: " +
                    `#/${seen.cycle?.join("/")}/<root>` +
                    '\n\nSet the `cycles` parameter to `"ref"` to resolve cyclical schemas with defs.');
            }
        }
    }
    // extract schemas into $defs
    for (const entry of ctx.seen.entries()) {
        const seen = entry[1];
        // convert root schema to # $ref
        if (schema === entry[0]) {
            extractToDef(entry); // this has special handling for the root schema
            continue;
        }
        // extract schemas that are in the external registry
        if (ctx.external) {
            const ext = ctx.external.registry.get(entry[0])?.id;
            if (schema !== entry[0] && ext) {
                extractToDef(entry);
                continue;
            }
        }
        // extract schemas with `id` meta
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            extractToDef(entry);
            continue;
        }
        // break cycles
        if (seen.cycle) {
            // any
            extractToDef(entry);
            continue;
        }
        // extract reused schemas
        if (seen.count > 1) {
            if (ctx.reused === "ref") {
                extractToDef(entry);
            }
        }
    }
    if (ctx.external)
        ctx.sharedDefsExtractedFor = ctx.external;
}
/** Rewrites `anyOf: [{type: "a"}, {type: "b"}]` to `type: ["a", "b"]`, which every JSON Schema draft treats as equivalent and most consumers render far better for the nullable case. Only branches that are a bare type assertion qualify — anything carrying a constraint, `$ref`, `const` or metadata is left alone. Runs after `flattenRef`, so a branch an override decorated or `$defs` extraction turned into a `$ref` is no longer bare and correctly stays in `anyOf`. `oneOf` is excluded: `integer` and `number` overlap, so "exactly one" and "at least one" are not the same there. OpenAPI 3.0 is excluded: its `type` must be a single string. */
function compactTypeUnion(schema) {
    const options = schema.anyOf;
    if (!Array.isArray(options) || options.length === 0 || schema.type !== undefined)
        return;
    const types = [];
    for (const option of options) {
        if (!option || typeof option !== "object")
            return;
        // A branch that is itself a compactible union folds into this one — nested `anyOf` and a flat `type` array say the same thing. Compacting it first also makes the result independent of the order this pass walks the seen map in.
        compactTypeUnion(option);
        const keys = Object.keys(option);
        if (keys.length !== 1 || keys[0] !== "type")
            return;
        const type = option.type;
        for (const member of Array.isArray(type) ? type : [type]) {
            if (typeof member !== "string")
                return;
            if (!types.includes(member))
                types.push(member);
        }
    }
    delete schema.anyOf;
    // A `type` array must be non-empty and unique (metaschema); a single member is spelled as a bare string.
    schema.type = types.length === 1 ? types[0] : types;
}
/** Keywords `foldIntersection` knows how to combine. Anything else — `$ref`, `patternProperties`,
 * an annotation like `description` — makes a member unfoldable, so a constraint this does not
 * understand leaves the `allOf` alone instead of being silently dropped or misattributed. */
const FOLDABLE_KEYS = new Set(["type", "properties", "required", "additionalProperties"]);
const UNION_KEYS = ["oneOf", "anyOf"];
/** A member's constraint on a key it does not declare itself. A `catchall` states one; `false`, an absent `additionalProperties`, and the empty schema a loose object emits state nothing. */
function undeclaredConstraint(member) {
    const extra = member.additionalProperties;
    if (extra === undefined || extra === false || typeof extra !== "object" || extra === null)
        return null;
    return Object.keys(extra).length ? extra : null;
}
/** Combines object members into the single object they describe together, or returns `null` if any of them carries a keyword outside {@link FOLDABLE_KEYS}. */
function foldObjects(members) {
    const objects = [];
    for (const member of members) {
        // A boolean subschema is legal JSON Schema and carries no keywords to fold.
        if (typeof member !== "object" || member.type !== "object")
            return null;
        for (const key in member) {
            if (!FOLDABLE_KEYS.has(key))
                return null;
        }
        objects.push(member);
    }
    const properties = {};
    const required = new Set();
    for (const object of objects) {
        for (const key in object.properties) {
            // `in` would report a `__proto__` key as already present via the prototype chain and skip it.
            if (Object.prototype.hasOwnProperty.call(properties, key))
                continue;
            // Every member constrains this key: the ones that declare it say how, and a `catchall` member constrains it too even though it does not name it. The key has to satisfy all of them, which is the same intersection one level down.
            const parts = [];
            for (const other of objects) {
                const part = other.properties?.[key] ?? undeclaredConstraint(other);
                if (part === null || part === undefined)
                    continue;
                if (!parts.some((seen) => JSON.stringify(seen) === JSON.stringify(part)))
                    parts.push(part);
            }
            const merged = parts.length === 1
                ? parts[0]
                : (foldObjects(parts) ?? { allOf: parts });
            util_assignProp(properties, key, merged);
        }
        for (const key of object.required ?? [])
            required.add(key);
    }
    const folded = { type: "object", properties };
    if (required.size)
        folded.required = [...required];
    // A key no member declares is rejected only when every member rejects it, so the fold is closed only when every member is. Otherwise it carries whatever the `catchall` members demand of such a key.
    if (objects.every((object) => object.additionalProperties === false)) {
        folded.additionalProperties = false;
    }
    else {
        const constraints = [];
        for (const object of objects) {
            const constraint = undeclaredConstraint(object);
            if (constraint && !constraints.some((seen) => JSON.stringify(seen) === JSON.stringify(constraint)))
                constraints.push(constraint);
        }
        if (constraints.length === 1)
            folded.additionalProperties = constraints[0];
        else if (constraints.length > 1)
            folded.additionalProperties = { allOf: constraints };
    }
    return folded;
}
/** `additionalProperties` in an `allOf` member sees only that member's own `properties`, so two
 * closed object members reject each other's keys and the schema validates nothing. Zod's parser
 * pools the key sets instead — `handleIntersectionResults` reports a key as unrecognized only when
 * *every* side rejects it — so the emitted schema has to pool them too, and folding the members
 * into one object is the encoding that says so on every target.
 *
 * This runs from `finalize`, after `extractDefs`, which is what keeps it clear of the `$ref`
 * machinery: a member extracted into `$defs` is already a `$ref` by now and declines to fold, so it
 * keeps its reference and its own closedness rather than being inlined as a stale copy. */
function foldIntersection(json) {
    const allOf = json.allOf;
    if (!Array.isArray(allOf) || allOf.length < 2)
        return;
    // An `override` runs before this pass and may have written object keywords onto the intersection itself. Those are deliberate, so decline rather than overwrite them.
    for (const key of FOLDABLE_KEYS)
        if (key in json)
            return;
    // An intersection distributes over a union: `A & (X | Y)` is `(A & X) | (A & Y)`. Only the first union is distributed over; a second one stays among the members every branch folds against, where it fails the object check and declines the whole intersection rather than multiplying out.
    const unions = allOf.filter((m) => UNION_KEYS.some((k) => Array.isArray(m[k])));
    let folded = null;
    if (!unions.length) {
        folded = foldObjects(allOf);
    }
    else {
        const union = unions[0];
        const keyword = UNION_KEYS.find((k) => Array.isArray(union[k]));
        if (Object.keys(union).length !== 1)
            return;
        const rest = allOf.filter((m) => m !== union);
        const branches = union[keyword].map((branch) => foldObjects([...rest, branch]));
        if (branches.some((b) => !b))
            return;
        folded = { [keyword]: branches };
    }
    if (!folded)
        return;
    delete json.allOf;
    assignProps(json, folded);
}
function to_json_schema_finalize(ctx, schema) {
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // flatten refs - inherit properties from parent schemas
    const flattenRef = (zodSchema) => {
        const seen = ctx.seen.get(zodSchema);
        // already processed
        if (seen.ref === null)
            return;
        const schema = seen.def ?? seen.schema;
        const _cached = { ...schema };
        const ref = seen.ref;
        seen.ref = null; // prevent infinite recursion
        if (ref) {
            flattenRef(ref);
            const refSeen = ctx.seen.get(ref);
            const refSchema = refSeen.schema;
            // merge referenced schema into current
            if (refSchema.$ref && (ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0")) {
                // older drafts can't combine $ref with other properties
                schema.allOf = schema.allOf ?? [];
                schema.allOf.push(refSchema);
            }
            else {
                assignProps(schema, refSchema);
            }
            // restore child's own properties (child wins)
            assignProps(schema, _cached);
            const isParentRef = zodSchema._zod.parent === ref;
            // For parent chain, child is a refinement - remove parent-only properties
            if (isParentRef) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (!(key in _cached)) {
                        delete schema[key];
                    }
                }
            }
            // When ref was extracted to $defs, remove properties that match the definition
            if (refSchema.$ref && refSeen.def) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (key in refSeen.def && JSON.stringify(schema[key]) === JSON.stringify(refSeen.def[key])) {
                        delete schema[key];
                    }
                }
            }
        }
        // If parent was extracted (has $ref), propagate $ref to this schema. This handles cases like: readonly().meta({id}).describe() where processor sets ref to innerType but parent should be referenced
        const parent = zodSchema._zod.parent;
        if (parent && parent !== ref) {
            // Ensure parent is processed first so its def has inherited properties
            flattenRef(parent);
            const parentSeen = ctx.seen.get(parent);
            if (parentSeen?.schema.$ref) {
                schema.$ref = parentSeen.schema.$ref;
                // De-duplicate with parent's definition
                if (parentSeen.def) {
                    for (const key in schema) {
                        if (key === "$ref" || key === "allOf")
                            continue;
                        if (key in parentSeen.def && JSON.stringify(schema[key]) === JSON.stringify(parentSeen.def[key])) {
                            delete schema[key];
                        }
                    }
                }
            }
        }
        // execute overrides
        ctx.override({
            zodSchema: zodSchema,
            jsonSchema: schema,
            path: seen.path ?? [],
        });
    };
    // Flattening walks the whole map and clears each `ref` as it goes, so a second call over the same map is a no-op scan. Skip it outright once it has run for a registry conversion.
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of [...ctx.seen.entries()].reverse()) {
            flattenRef(entry[0]);
        }
        if (ctx.target !== "openapi-3.0") {
            for (const entry of ctx.seen.entries()) {
                compactTypeUnion(entry[1].def ?? entry[1].schema);
            }
        }
        for (const rewrite of ctx.deferred)
            rewrite();
        // After flattening, every member that was extracted is a `$ref`, so the fold sees the final shape. A schema that inherits an intersection — through `z.lazy`, or any `ref` chain — holds the same `allOf` array, so fold by array identity to catch every copy.
        if (ctx.intersections.length) {
            const carriers = new Map();
            for (const seen of ctx.seen.values()) {
                for (const json of [seen.schema, seen.def]) {
                    const allOf = json?.allOf;
                    if (!Array.isArray(allOf))
                        continue;
                    const existing = carriers.get(allOf);
                    if (existing)
                        existing.push(json);
                    else
                        carriers.set(allOf, [json]);
                }
            }
            for (const allOf of ctx.intersections) {
                for (const json of carriers.get(allOf) ?? [])
                    foldIntersection(json);
            }
        }
    }
    const result = {};
    if (ctx.target === "draft-2020-12") {
        result.$schema = "https://json-schema.org/draft/2020-12/schema";
    }
    else if (ctx.target === "draft-07") {
        result.$schema = "http://json-schema.org/draft-07/schema#";
    }
    else if (ctx.target === "draft-04") {
        result.$schema = "http://json-schema.org/draft-04/schema#";
    }
    else if (ctx.target === "openapi-3.0") {
        // OpenAPI 3.0 schema objects should not include a $schema property
    }
    else {
        // Arbitrary string values are allowed but won't have a $schema property set
    }
    if (ctx.external?.uri) {
        const id = ctx.external.registry.get(schema)?.id;
        if (!id)
            throw new Error("Schema is missing an `id` property");
        result.$id = ctx.external.uri(id);
    }
    // when the root was extracted into $defs, `root.schema` is the `$ref` wrapper and `root.def` is the body that now lives under $defs
    assignProps(result, root.defId ? root.schema : (root.def ?? root.schema));
    // The `id` in `.meta()` is a Zod-specific registration tag used to extract schemas into $defs — it is not user-facing JSON Schema metadata. Strip it from the output body where it would otherwise leak. The id is preserved implicitly via the $defs key (and via $ref paths).
    const rootMetaId = ctx.metadataRegistry.get(schema)?.id;
    if (rootMetaId !== undefined && result.id === rootMetaId)
        delete result.id;
    // build defs object. With `external`, `defs` is the shared object every schema writes into, so the same entries are reassigned on every call. Without it, `defs` is fresh per call and must be rebuilt.
    const defs = ctx.external?.defs ?? {};
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.def && seen.defId) {
                if (seen.def.id === seen.defId)
                    delete seen.def.id;
                util_assignProp(defs, seen.defId, seen.def);
            }
        }
    }
    if (ctx.external)
        ctx.sharedEmitDoneFor = ctx.external;
    // set definitions in result
    if (ctx.external) {
    }
    else {
        if (Object.keys(defs).length > 0) {
            if (ctx.target === "draft-2020-12") {
                result.$defs = defs;
            }
            else {
                result.definitions = defs;
            }
        }
    }
    try {
        // this "finalizes" this schema and ensures all cycles are removed each call to finalize() is functionally independent though the seen map is shared
        const finalized = JSON.parse(JSON.stringify(result));
        Object.defineProperty(finalized, "~standard", {
            value: {
                ...schema["~standard"],
                jsonSchema: {
                    input: createStandardJSONSchemaMethod(schema, "input", ctx.processors),
                    output: createStandardJSONSchemaMethod(schema, "output", ctx.processors),
                },
            },
            enumerable: false,
            writable: false,
        });
        return finalized;
    }
    catch (_err) {
        throw new Error("Error converting schema to JSON.");
    }
}
function isTransforming(_schema, _ctx) {
    const ctx = _ctx ?? { seen: new Set() };
    if (ctx.seen.has(_schema))
        return false;
    ctx.seen.add(_schema);
    const def = _schema._zod.def;
    if (def.type === "transform")
        return true;
    if (def.type === "array")
        return isTransforming(def.element, ctx);
    if (def.type === "set")
        return isTransforming(def.valueType, ctx);
    if (def.type === "lazy")
        return isTransforming(def.getter(), ctx);
    if (def.type === "promise" ||
        def.type === "optional" ||
        def.type === "nonoptional" ||
        def.type === "nullable" ||
        def.type === "readonly" ||
        def.type === "default" ||
        def.type === "prefault" ||
        def.type === "catch") {
        return isTransforming(def.innerType, ctx);
    }
    if (def.type === "intersection") {
        return isTransforming(def.left, ctx) || isTransforming(def.right, ctx);
    }
    if (def.type === "record" || def.type === "map") {
        return isTransforming(def.keyType, ctx) || isTransforming(def.valueType, ctx);
    }
    if (def.type === "pipe") {
        if (_schema._zod.traits.has("$ZodCodec"))
            return true;
        return isTransforming(def.in, ctx) || isTransforming(def.out, ctx);
    }
    if (def.type === "object") {
        for (const key in def.shape) {
            if (isTransforming(def.shape[key], ctx))
                return true;
        }
        return false;
    }
    if (def.type === "union") {
        for (const option of def.options) {
            if (isTransforming(option, ctx))
                return true;
        }
        return false;
    }
    if (def.type === "tuple") {
        for (const item of def.items) {
            if (isTransforming(item, ctx))
                return true;
        }
        if (def.rest && isTransforming(def.rest, ctx))
            return true;
        return false;
    }
    return false;
}
/**
 * Creates a toJSONSchema method for a schema instance.
 * This encapsulates the logic of initializing context, processing, extracting defs, and finalizing.
 */
const createToJSONSchemaMethod = (schema, processors = {}) => (params) => {
    const ctx = to_json_schema_initializeContext({ ...params, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};
const createStandardJSONSchemaMethod = (schema, io, processors = {}) => (params) => {
    const { libraryOptions, target } = params ?? {};
    const ctx = to_json_schema_initializeContext({ ...(libraryOptions ?? {}), target, io, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/json-schema-processors.js




const narrowMin = (agg, key, value) => {
    if (agg[key] === undefined || value > agg[key])
        agg[key] = value;
};
const narrowMax = (agg, key, value) => {
    if (agg[key] === undefined || value < agg[key])
        agg[key] = value;
};
const narrowBoth = (agg, value) => {
    narrowMin(agg, "minimum", value);
    narrowMax(agg, "maximum", value);
};
const addDivisor = (agg, value) => {
    agg.multipleOf ?? (agg.multipleOf = []);
    if (!agg.multipleOf.includes(value))
        agg.multipleOf.push(value);
};
const addPattern = (agg, pattern) => {
    agg.patterns ?? (agg.patterns = new Set());
    agg.patterns.add(pattern);
};
const intersectMime = (agg, mime) => {
    agg.mime = agg.mime ? agg.mime.filter((m) => mime.includes(m)) : [...mime];
};
// last-wins, matching the bag's historical write order; the flag keeps an integer format from being lost to a later float one
const setFormat = (agg, format) => {
    agg.format = format;
    if (format.includes("int"))
        agg.isInt = true;
};
const minContributor = (agg, def) => narrowMin(agg, "minimum", def.minimum);
const maxContributor = (agg, def) => narrowMax(agg, "maximum", def.maximum);
const formatContributor = (ranges) => (agg, def) => {
    setFormat(agg, def.format);
    const [minimum, maximum] = ranges[def.format];
    narrowMin(agg, "minimum", minimum);
    narrowMax(agg, "maximum", maximum);
};
const contributors = {
    greater_than: (agg, def) => narrowMin(agg, def.inclusive ? "minimum" : "exclusiveMinimum", def.value),
    less_than: (agg, def) => narrowMax(agg, def.inclusive ? "maximum" : "exclusiveMaximum", def.value),
    multiple_of: (agg, def) => addDivisor(agg, def.value),
    number_format: formatContributor(NUMBER_FORMAT_RANGES),
    bigint_format: formatContributor(BIGINT_FORMAT_RANGES),
    min_length: minContributor,
    max_length: maxContributor,
    length_equals: (agg, def) => narrowBoth(agg, def.length),
    min_size: minContributor,
    max_size: maxContributor,
    size_equals: (agg, def) => narrowBoth(agg, def.size),
    string_format: (agg, def) => {
        setFormat(agg, def.format);
        if (def.pattern)
            addPattern(agg, def.pattern);
        if (def.format === "base64" || def.format === "base64url")
            agg.contentEncoding = def.format;
        if (def.local || def.precision === -1)
            agg.laxFormat = true;
    },
    mime_type: (agg, def) => intersectMime(agg, def.mime),
};
function aggregateChecks(schema) {
    const agg = {};
    const def = schema._zod.def;
    // a format schema is its own first check, same rule as $ZodType init
    const list = schema._zod.traits.has("$ZodCheck")
        ? [schema, ...(def.checks ?? [])]
        : (def.checks ?? []);
    for (const ch of list)
        contributors[ch._zod.def.check]?.(agg, ch._zod.def);
    // reconcile with the bag so third-party onattach contributions still land; first-party residue is never tighter than the fold, so merging it back is idempotent for one and additive for the other
    const bag = schema._zod.bag;
    if (bag.minimum !== undefined)
        narrowMin(agg, "minimum", bag.minimum);
    if (bag.exclusiveMinimum !== undefined)
        narrowMin(agg, "exclusiveMinimum", bag.exclusiveMinimum);
    if (bag.maximum !== undefined)
        narrowMax(agg, "maximum", bag.maximum);
    if (bag.exclusiveMaximum !== undefined)
        narrowMax(agg, "exclusiveMaximum", bag.exclusiveMaximum);
    if (bag.multipleOf !== undefined)
        addDivisor(agg, bag.multipleOf);
    if (bag.format !== undefined) {
        agg.format ?? (agg.format = bag.format);
        if (bag.format.includes("int"))
            agg.isInt = true;
    }
    if (bag.mime)
        intersectMime(agg, bag.mime);
    for (const pattern of bag.patterns ?? [])
        addPattern(agg, pattern);
    return agg;
}
const formatMap = {
    guid: "uuid",
    url: "uri",
    datetime: "date-time",
    json_string: "json-string",
    regex: "", // do not set
};
// ==================== SIMPLE TYPE PROCESSORS ====================
// the runtime patterns are lax so parse paths never overflow the regex stack; the emitted schema swaps in the exact block forms, which zod itself never executes
const exactPatterns = new Map([
    [base64Charset, base64],
    [base64urlCharset, base64url],
]);
const exactPattern = (p) => exactPatterns.get(p) ?? p;
const stringProcessor = (schema, ctx, _json, _params) => {
    const json = _json;
    json.type = "string";
    const { minimum, maximum, format, patterns, contentEncoding, laxFormat } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minLength = minimum;
    if (typeof maximum === "number")
        json.maxLength = maximum;
    // custom pattern overrides format
    if (format) {
        json.format = formatMap[format] ?? format;
        if (json.format === "")
            delete json.format; // empty format is not valid
        // `z.iso.time()` is never full-time, and `laxFormat` carries the datetime shapes that also accept what their keyword forbids
        if (format === "time" || laxFormat) {
            delete json.format;
        }
    }
    if (contentEncoding)
        json.contentEncoding = contentEncoding;
    if (patterns && patterns.size > 0) {
        const patternList = [...patterns].map(exactPattern);
        if (patternList.length === 1)
            json.pattern = patternList[0].source;
        else if (patternList.length > 1) {
            json.allOf = [
                ...patternList.map((regex) => ({
                    ...(ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0"
                        ? { type: "string" }
                        : {}),
                    pattern: regex.source,
                })),
            ];
        }
    }
};
const numberProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const { minimum, maximum, multipleOf, exclusiveMaximum, exclusiveMinimum, isInt } = aggregateChecks(schema);
    json.type = isInt ? "integer" : "number";
    // when both minimum and exclusiveMinimum exist, pick the more restrictive one
    const exMin = typeof exclusiveMinimum === "number" && exclusiveMinimum >= (minimum ?? Number.NEGATIVE_INFINITY);
    const exMax = typeof exclusiveMaximum === "number" && exclusiveMaximum <= (maximum ?? Number.POSITIVE_INFINITY);
    const legacy = ctx.target === "draft-04" || ctx.target === "openapi-3.0";
    if (exMin) {
        if (legacy) {
            json.minimum = exclusiveMinimum;
            json.exclusiveMinimum = true;
        }
        else {
            json.exclusiveMinimum = exclusiveMinimum;
        }
    }
    else if (typeof minimum === "number") {
        json.minimum = minimum;
    }
    if (exMax) {
        if (legacy) {
            json.maximum = exclusiveMaximum;
            json.exclusiveMaximum = true;
        }
        else {
            json.exclusiveMaximum = exclusiveMaximum;
        }
    }
    else if (typeof maximum === "number") {
        json.maximum = maximum;
    }
    if (multipleOf) {
        // JSON Schema requires a divisor strictly greater than zero, and a non-finite one does not survive JSON at all. A negative divisor accepts exactly what its absolute value accepts, so it still maps; zero, NaN and Infinity have no keyword form.
        const divisors = new Set();
        for (const divisor of multipleOf) {
            if (Number.isFinite(divisor) && divisor !== 0)
                divisors.add(Math.abs(divisor));
            else
                handleUnrepresentable(schema, ctx, json, params, `A multipleOf divisor of ${divisor} cannot be represented in JSON Schema`);
        }
        // chained divisors are a conjunction the keyword cannot carry alone, so extras ride an allOf, same as stacked patterns
        const [first, ...rest] = divisors;
        if (first !== undefined)
            json.multipleOf = first;
        if (rest.length)
            json.allOf = [...(json.allOf ?? []), ...rest.map((m) => ({ multipleOf: m }))];
    }
};
const booleanProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const bigintProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "BigInt cannot be represented in JSON Schema");
};
const symbolProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Symbols cannot be represented in JSON Schema");
};
const nullProcessor = (_schema, ctx, json, _params) => {
    if (ctx.target === "openapi-3.0") {
        json.type = "string";
        json.nullable = true;
        json.enum = [null];
    }
    else {
        json.type = "null";
    }
};
const undefinedProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Undefined cannot be represented in JSON Schema");
};
const voidProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Void cannot be represented in JSON Schema");
};
const neverProcessor = (_schema, _ctx, json, _params) => {
    json.not = {};
};
const anyProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const unknownProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const dateProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Date cannot be represented in JSON Schema");
};
const enumProcessor = (schema, _ctx, json, _params) => {
    const def = schema._zod.def;
    const values = getEnumValues(def.entries);
    // an empty enum accepts nothing, same as z.never()
    if (values.length === 0) {
        json.not = {};
        return;
    }
    // Number enums can have both string and number values
    if (values.every((v) => typeof v === "number"))
        json.type = "number";
    if (values.every((v) => typeof v === "string"))
        json.type = "string";
    json.enum = values;
};
const literalProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // a literal with no values accepts nothing, same as z.never()
    if (def.values.length === 0) {
        json.not = {};
        return;
    }
    const vals = [];
    for (const val of def.values) {
        if (val === undefined) {
            // a custom schema replaces the whole literal, so there is nothing left to accumulate
            if (handleUnrepresentable(schema, ctx, json, params, "Literal `undefined` cannot be represented in JSON Schema"))
                return;
            // otherwise do not add to vals
        }
        else if (typeof val === "bigint") {
            if (handleUnrepresentable(schema, ctx, json, params, "BigInt literals cannot be represented in JSON Schema"))
                return;
            vals.push(Number(val));
        }
        else {
            vals.push(val);
        }
    }
    if (vals.length === 0) {
        // do nothing (an undefined literal was stripped)
    }
    else if (vals.length === 1) {
        const val = vals[0];
        json.type = val === null ? "null" : typeof val;
        if (ctx.target === "draft-04" || ctx.target === "openapi-3.0") {
            json.enum = [val];
        }
        else {
            json.const = val;
        }
    }
    else {
        if (vals.every((v) => typeof v === "number"))
            json.type = "number";
        if (vals.every((v) => typeof v === "string"))
            json.type = "string";
        if (vals.every((v) => typeof v === "boolean"))
            json.type = "boolean";
        if (vals.every((v) => v === null))
            json.type = "null";
        json.enum = vals;
    }
};
const nanProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "NaN cannot be represented in JSON Schema");
};
const templateLiteralProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    const pattern = schema._zod.pattern;
    if (!pattern)
        throw new Error("Pattern not found in template literal");
    _json.type = "string";
    _json.pattern = pattern.source;
};
const fileProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    _json.type = "string";
    _json.format = "binary";
    _json.contentEncoding = "binary";
    const { minimum, maximum, mime } = aggregateChecks(schema);
    if (minimum !== undefined)
        _json.minLength = minimum;
    if (maximum !== undefined)
        _json.maxLength = maximum;
    if (!mime)
        return;
    // an empty intersection means the mime checks share no value, so nothing passes at runtime; `anyOf` must be non-empty, so the false schema is `not: {}`
    if (mime.length === 0)
        _json.not = {};
    else if (mime.length === 1)
        _json.contentMediaType = mime[0];
    // only contentMediaType differs, so the shared props stay at the root
    else
        _json.anyOf = mime.map((m) => ({ contentMediaType: m }));
};
const successProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const customProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Custom types cannot be represented in JSON Schema");
};
const functionProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Function types cannot be represented in JSON Schema");
};
const transformProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Transforms cannot be represented in JSON Schema");
};
const mapProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Map cannot be represented in JSON Schema");
};
const setProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Set cannot be represented in JSON Schema");
};
// ==================== COMPOSITE TYPE PROCESSORS ====================
const arrayProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
    json.type = "array";
    json.items = to_json_schema_processSchema(def.element, ctx, {
        ...params,
        path: [...params.path, "items"],
    });
};
// Transform and catch set `optin = "optional"` at runtime so the parser lets them observe an
// absent key, but their declared input type stays required. An input JSON Schema describes the
// declared type, so resolve past them to the schema that actually carries the optionality.
// Used by both `objectProcessor` (for `required`) and `tupleProcessor` (for `minItems`); see
// wiki/optionality.md, "The JSON Schema emitter reads the *static* value".
function inputOptin(schema) {
    const def = schema._zod.def;
    if (def.type === "pipe" && def.in._zod.traits.has("$ZodTransform")) {
        return inputOptin(def.out);
    }
    if (def.type === "catch") {
        return inputOptin(def.innerType);
    }
    return schema._zod.optin;
}
const objectProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const shape = def.shape;
    // dropping it while still emitting `additionalProperties: false` would emit a schema that rejects data this one requires
    const symbolKeys = Object.getOwnPropertySymbols(shape);
    if (symbolKeys.length &&
        handleUnrepresentable(schema, ctx, json, params, "Symbol keys cannot be represented in JSON Schema")) {
        return;
    }
    json.type = "object";
    json.properties = {};
    for (const key in shape) {
        // assignProp so a __proto__ key becomes an own property instead of hitting the inherited setter on the plain {} we build into
        util_assignProp(json.properties, key, to_json_schema_processSchema(shape[key], ctx, {
            ...params,
            path: [...params.path, "properties", key],
        }));
    }
    // required keys
    const requiredKeys = [];
    for (const key of Object.keys(shape)) {
        const field = def.shape[key];
        if (ctx.io === "input" ? inputOptin(field) === undefined : field._zod.optout === undefined) {
            requiredKeys.push(key);
        }
    }
    if (requiredKeys.length > 0) {
        json.required = requiredKeys;
    }
    // catchall
    if (def.catchall?._zod.def.type === "never") {
        // strict
        json.additionalProperties = false;
    }
    else if (!def.catchall) {
        // regular
        if (ctx.io === "output")
            json.additionalProperties = false;
    }
    else if (def.catchall) {
        json.additionalProperties = to_json_schema_processSchema(def.catchall, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
};
const unionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // Exclusive unions (inclusive === false) use oneOf (exactly one match) instead of anyOf (one or more matches). This includes both z.xor() and discriminated unions
    const isExclusive = def.inclusive === false;
    const options = def.options.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, isExclusive ? "oneOf" : "anyOf", i],
    }));
    if (isExclusive) {
        json.oneOf = options;
    }
    else {
        json.anyOf = options;
    }
};
const intersectionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const a = to_json_schema_processSchema(def.left, ctx, {
        ...params,
        path: [...params.path, "allOf", 0],
    });
    const b = to_json_schema_processSchema(def.right, ctx, {
        ...params,
        path: [...params.path, "allOf", 1],
    });
    const isSimpleIntersection = (val) => "allOf" in val && Object.keys(val).length === 1;
    const allOf = [
        ...(isSimpleIntersection(a) ? a.allOf : [a]),
        ...(isSimpleIntersection(b) ? b.allOf : [b]),
    ];
    json.allOf = allOf;
    // Recorded innermost first, so a nested intersection has already folded by the time this one is considered. The array is the handle rather than the schema, because a wrapper that inherits this schema shares the same array; `finalize` folds every object holding it. See `foldIntersection`.
    ctx.intersections.push(allOf);
};
const tupleProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "array";
    const prefixPath = ctx.target === "draft-2020-12" ? "prefixItems" : "items";
    const restPath = ctx.target === "draft-2020-12" ? "items" : ctx.target === "openapi-3.0" ? "items" : "additionalItems";
    const prefixItems = def.items.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, prefixPath, i],
    }));
    const rest = def.rest
        ? to_json_schema_processSchema(def.rest, ctx, {
            ...params,
            path: [...params.path, restPath, ...(ctx.target === "openapi-3.0" ? [def.items.length] : [])],
        })
        : null;
    let minItems = def.items.length;
    while (minItems > 0) {
        const item = def.items[minItems - 1];
        const optional = ctx.io === "input" ? inputOptin(item) !== undefined : item._zod.optout === "optional";
        if (!optional)
            break;
        minItems--;
    }
    const maxItems = def.items.length;
    const isClosed = !def.rest;
    if (ctx.target === "draft-2020-12") {
        json.prefixItems = prefixItems;
        if (isClosed) {
            json.items = false;
        }
        else if (rest) {
            json.items = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else if (ctx.target === "openapi-3.0") {
        json.items = {
            anyOf: prefixItems,
        };
        if (rest) {
            json.items.anyOf.push(rest);
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else {
        json.items = prefixItems;
        if (isClosed) {
            json.additionalItems = false;
        }
        else if (rest) {
            json.additionalItems = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    // explicit user-defined length checks take precedence
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
};
/** JSON object keys are always strings, so a numeric record key schema is re-expressed over the
 * numeric-string form the record parser matches. Deferred to `finalize`, after the flatten: a key
 * behind a wrapper only carries its own `type` before then, and a union key only has its branches.
 *
 * A numeric bound cannot apply to a property name, so `minimum` and its siblings are dropped rather
 * than carried over: keeping them beside `type: "string"` reproduces the match-nothing schema this
 * exists to fix. A key that carries one therefore emits wider than the record parses — `z.record(z.number().min(5), V)`
 * accepts `"3"` — which is the deliberate trade, since throwing on it would reject an ordinary schema
 * outright. */
function stringifyKeyNames(bySchema, json, visited) {
    // an extracted key that rewrites cannot go on sharing its definition — the string form a key position needs is not the number form every other reference wants — so it inlines. One that does not rewrite keeps the `$ref`.
    if (json.$ref) {
        // a recursive key holds its own reference inside its definition, so a node already on the path is left alone rather than resolved again
        if (visited.has(json))
            return json;
        visited.add(json);
        const def = bySchema.get(json)?.def;
        if (!def)
            return json;
        const inlined = stringifyKeyNames(bySchema, def, visited);
        return inlined === def ? json : inlined;
    }
    for (const keyword of ["anyOf", "oneOf"]) {
        const branches = json[keyword];
        if (!Array.isArray(branches))
            continue;
        const mapped = branches.map((branch) => stringifyKeyNames(bySchema, branch, visited));
        // rebuilding regardless would detach a key that had nothing to re-express, dropping its `$ref` and leaking the internal `id`
        if (mapped.some((branch, i) => branch !== branches[i]))
            json = { ...json, [keyword]: mapped };
    }
    // a member that already admits a string leaves the key unconstrained, so the node's own type re-expresses only when every member is numeric
    const types = Array.isArray(json.type) ? json.type : [json.type];
    const numericType = !types.includes("string") && types.some((t) => t === "number" || t === "integer");
    // a heterogeneous key carries no type at all, so its numeric members are caught here instead
    const values = json.enum ?? (json.const !== undefined ? [json.const] : undefined);
    if (!numericType && !values?.some((v) => typeof v === "number"))
        return json;
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, format, id, ...rest } = json;
    if (rest.enum)
        rest.enum = rest.enum.map((v) => (typeof v === "number" ? String(v) : v));
    else if (typeof rest.const === "number")
        rest.const = String(rest.const);
    // a heterogeneous key keeps its absent type: the stringified members already say what a key may be
    if (!numericType)
        return rest;
    rest.type = "string";
    if (!values)
        rest.pattern = (types.includes("number") ? number : integer).source;
    return rest;
}
/** Every record of one conversion, so the carriers are found in a single pass rather than once per record. */
const pendingRecords = new WeakMap();
function rewriteKeyNames(ctx) {
    // an extracted key is resolved by the object `extractToDef` left in its place, so the map is built once rather than searched per reference. `_zod.toJSONSchema` can hand the same object to two schemas, so the first entry carrying a body wins, as a search would have found it.
    const bySchema = new Map();
    for (const entry of ctx.seen.values()) {
        if (entry.def && !bySchema.has(entry.schema))
            bySchema.set(entry.schema, entry);
    }
    const rewrites = new Map();
    for (const record of pendingRecords.get(ctx) ?? []) {
        const seen = ctx.seen.get(record);
        const names = (seen?.def ?? seen?.schema)?.propertyNames;
        if (!names || names === true || rewrites.has(names))
            continue;
        const rewritten = stringifyKeyNames(bySchema, names, new Set());
        if (rewritten !== names)
            rewrites.set(names, rewritten);
    }
    if (!rewrites.size)
        return;
    // the flatten has already copied each record's own properties onto every wrapper by reference, and an extracted body is another such copy, so every carrier holding a rewritten key is updated together
    for (const entry of ctx.seen.values()) {
        for (const carrier of [entry.schema, entry.def]) {
            const rewritten = carrier && rewrites.get(carrier.propertyNames);
            if (rewritten)
                carrier.propertyNames = rewritten;
        }
    }
}
const recordProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "object";
    // For looseRecord with regex patterns, use patternProperties. This correctly represents "only validate keys matching the pattern" semantics and composes well with allOf (intersections)
    const keyType = def.keyType;
    const patterns = aggregateChecks(keyType).patterns;
    if (def.mode === "loose" && patterns && patterns.size > 0) {
        // Use patternProperties for looseRecord with regex patterns
        const valueSchema = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "patternProperties", "*"],
        });
        json.patternProperties = {};
        for (const pattern of patterns) {
            util_assignProp(json.patternProperties, exactPattern(pattern).source, valueSchema);
        }
    }
    else {
        // Default behavior: use propertyNames + additionalProperties
        if (ctx.target === "draft-07" || ctx.target === "draft-2020-12") {
            json.propertyNames = to_json_schema_processSchema(def.keyType, ctx, {
                ...params,
                path: [...params.path, "propertyNames"],
            });
            let pending = pendingRecords.get(ctx);
            if (!pending) {
                pending = [];
                pendingRecords.set(ctx, pending);
                ctx.deferred.push(() => rewriteKeyNames(ctx));
            }
            pending.push(schema);
        }
        json.additionalProperties = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
    // Add required for keys with discrete values (enum, literal, etc.)
    const keyValues = keyType._zod.values;
    // Every key shares one value schema, so an optional-in value makes the whole key set omittable on input. Output keeps them: the exhaustive branch assigns every key, even one whose value came back undefined.
    const omittableOnInput = ctx.io === "input" && inputOptin(def.valueType) !== undefined;
    if (keyValues && !def.partial && !omittableOnInput) {
        const validKeyValues = [...keyValues].filter((v) => typeof v === "string" || typeof v === "number");
        if (validKeyValues.length > 0) {
            json.required = validKeyValues.map(String);
        }
    }
};
const nullableProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const inner = to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    if (ctx.target === "openapi-3.0") {
        seen.ref = def.innerType;
        json.nullable = true;
    }
    else {
        json.anyOf = [inner, { type: "null" }];
    }
};
const nonoptionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
/** Round-trips a default value through JSON so the emitted schema is guaranteed to be valid JSON.
 * A BigInt has no reliable encoding, so it goes through `unrepresentable` like any other
 * unrepresentable value. Returns a sentinel when the caller must not write a default of its own. */
const UNREPRESENTABLE_DEFAULT = Symbol();
function serializeDefaultValue(value, schema, ctx, json, params) {
    let unrepresentable = false;
    const serialized = JSON.stringify(value, (_, val) => {
        if (typeof val !== "bigint")
            return val;
        unrepresentable = true;
        return null;
    });
    if (!unrepresentable)
        return JSON.parse(serialized);
    handleUnrepresentable(schema, ctx, json, params, "BigInt defaults cannot be represented in JSON Schema");
    return UNREPRESENTABLE_DEFAULT;
}
const defaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json.default = value;
};
const prefaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    if (ctx.io !== "input")
        return;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json._prefault = value;
};
const catchProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    let catchValue;
    try {
        catchValue = def.catchValue(undefined);
    }
    catch {
        handleUnrepresentable(schema, ctx, json, params, "Dynamic catch values are not supported in JSON Schema");
        return;
    }
    json.default = catchValue;
};
const pipeProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    const inIsTransform = def.in._zod.traits.has("$ZodTransform");
    const innerType = ctx.io === "input" ? (inIsTransform ? def.out : def.in) : def.out;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
const readonlyProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    json.readOnly = true;
};
const promiseProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const optionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const lazyProcessor = (schema, ctx, _json, params) => {
    const innerType = schema._zod.innerType;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
// ==================== ALL PROCESSORS ====================
const allProcessors = {
    string: stringProcessor,
    number: numberProcessor,
    boolean: booleanProcessor,
    bigint: bigintProcessor,
    symbol: symbolProcessor,
    null: nullProcessor,
    undefined: undefinedProcessor,
    void: voidProcessor,
    never: neverProcessor,
    any: anyProcessor,
    unknown: unknownProcessor,
    date: dateProcessor,
    enum: enumProcessor,
    literal: literalProcessor,
    nan: nanProcessor,
    template_literal: templateLiteralProcessor,
    file: fileProcessor,
    success: successProcessor,
    custom: customProcessor,
    function: functionProcessor,
    transform: transformProcessor,
    map: mapProcessor,
    set: setProcessor,
    array: arrayProcessor,
    object: objectProcessor,
    union: unionProcessor,
    intersection: intersectionProcessor,
    tuple: tupleProcessor,
    record: recordProcessor,
    nullable: nullableProcessor,
    nonoptional: nonoptionalProcessor,
    default: defaultProcessor,
    prefault: prefaultProcessor,
    catch: catchProcessor,
    pipe: pipeProcessor,
    readonly: readonlyProcessor,
    promise: promiseProcessor,
    optional: optionalProcessor,
    lazy: lazyProcessor,
};
function toJSONSchema(input, params) {
    if ("_idmap" in input) {
        // Registry case
        const registry = input;
        const ctx = initializeContext({ ...params, processors: allProcessors });
        const defs = {};
        // First pass: process all schemas to build the seen map
        for (const entry of registry._idmap.entries()) {
            const [_, schema] = entry;
            processSchema(schema, ctx);
        }
        const schemas = {};
        const external = {
            registry,
            uri: params?.uri,
            defs,
        };
        // Update the context with external configuration
        ctx.external = external;
        // Second pass: emit each schema
        for (const entry of registry._idmap.entries()) {
            const [key, schema] = entry;
            extractDefs(ctx, schema);
            assignProp(schemas, key, finalize(ctx, schema));
        }
        if (Object.keys(defs).length > 0) {
            const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
            schemas.__shared = {
                [defsSegment]: defs,
            };
        }
        return { schemas };
    }
    // Single schema case
    const ctx = initializeContext({ ...params, processors: allProcessors });
    processSchema(input, ctx);
    extractDefs(ctx, input);
    return finalize(ctx, input);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/locales/en.js

const error = () => {
    const Sizable = {
        string: { unit: "characters", verb: "to have" },
        file: { unit: "bytes", verb: "to have" },
        array: { unit: "items", verb: "to have" },
        set: { unit: "items", verb: "to have" },
        map: { unit: "entries", verb: "to have" },
    };
    function getSizing(origin) {
        return Sizable[origin] ?? null;
    }
    const FormatDictionary = {
        regex: "input",
        email: "email address",
        url: "URL",
        emoji: "emoji",
        uuid: "UUID",
        uuidv4: "UUIDv4",
        uuidv6: "UUIDv6",
        nanoid: "nanoid",
        guid: "GUID",
        cuid: "cuid",
        cuid2: "cuid2",
        ulid: "ULID",
        xid: "XID",
        ksuid: "KSUID",
        datetime: "ISO datetime",
        date: "ISO date",
        time: "ISO time",
        duration: "ISO duration",
        ipv4: "IPv4 address",
        ipv6: "IPv6 address",
        mac: "MAC address",
        cidrv4: "IPv4 range",
        cidrv6: "IPv6 range",
        base64: "base64-encoded string",
        base64url: "base64url-encoded string",
        json_string: "JSON string",
        e164: "E.164 number",
        currency_code: "currency code",
        credit_card: "credit card number",
        iban: "IBAN",
        jwt: "JWT",
        template_literal: "input",
    };
    // type names: missing keys = do not translate (use raw value via ?? fallback)
    const TypeDictionary = {
        // Compatibility: "nan" -> "NaN" for display
        nan: "NaN",
        // All other type names omitted - they fall back to raw values via ?? operator
    };
    function getTypeName(type, input) {
        if (type === "number" && typeof input === "number" && !Number.isFinite(input)) {
            return String(input);
        }
        return TypeDictionary[type] ?? type;
    }
    return (issue) => {
        switch (issue.code) {
            case "invalid_type": {
                const expected = getTypeName(issue.expected);
                const receivedType = parsedType(issue.input);
                const received = getTypeName(receivedType, issue.input);
                return `Invalid input: expected ${expected}, received ${received}`;
            }
            case "invalid_value":
                if (issue.values.length === 1)
                    return `Invalid input: expected ${stringifyPrimitive(issue.values[0])}`;
                return `Invalid option: expected one of ${joinValues(issue.values, "|")}`;
            case "too_big": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? "<=" : "<";
                const sizing = getSizing(issue.origin);
                if (sizing)
                    return `Too big: expected ${issue.origin ?? "value"} to have ${adj}${issue.maximum.toString()} ${sizing.unit ?? "elements"}`;
                return `Too big: expected ${issue.origin ?? "value"} to be ${adj}${issue.maximum.toString()}`;
            }
            case "too_small": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? ">=" : ">";
                const sizing = getSizing(issue.origin);
                if (sizing) {
                    return `Too small: expected ${issue.origin} to have ${adj}${issue.minimum.toString()} ${sizing.unit}`;
                }
                return `Too small: expected ${issue.origin} to be ${adj}${issue.minimum.toString()}`;
            }
            case "invalid_format": {
                const _issue = issue;
                if (_issue.format === "starts_with") {
                    return `Invalid string: must start with "${_issue.prefix}"`;
                }
                if (_issue.format === "ends_with")
                    return `Invalid string: must end with "${_issue.suffix}"`;
                if (_issue.format === "includes")
                    return `Invalid string: must include "${_issue.includes}"`;
                if (_issue.format === "regex")
                    return `Invalid string: must match pattern ${_issue.pattern}`;
                return `Invalid ${FormatDictionary[_issue.format] ?? issue.format}`;
            }
            case "not_multiple_of":
                return `Invalid number: must be a multiple of ${issue.divisor}`;
            case "unrecognized_keys":
                return `Unrecognized key${issue.keys.length > 1 ? "s" : ""}: ${joinValues(issue.keys, ", ")}`;
            case "invalid_key":
                return `Invalid key in ${issue.origin}`;
            case "invalid_union":
                if (issue.options && Array.isArray(issue.options) && issue.options.length > 0) {
                    const opts = issue.options.map((o) => `'${o}'`).join(" | ");
                    return `Invalid discriminator value. Expected ${opts}`;
                }
                if (issue.inclusive === false) {
                    return "Invalid input: more than one option matched";
                }
                return "Invalid input";
            case "invalid_element":
                return `Invalid value in ${issue.origin}`;
            default:
                return `Invalid input`;
        }
    };
};
/* harmony default export */ function en() {
    return {
        localeError: error(),
    };
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/errors.js


/* Computing the message eagerly is expensive (pretty-printed JSON of all
 * issues), so defer it until first read. The accessor functions and
 * descriptors are shared across instances to keep error construction
 * cheap; the computed message is cached on the internals object. The
 * setter preserves plain assignment semantics for consumers that
 * overwrite `message`. */
function _getMessage() {
    const internals = this._zod;
    internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2));
    return internals.message;
}
function _setMessage(value) {
    this._zod.message = value;
}
const _messageDesc = {
    get: _getMessage,
    set: _setMessage,
    enumerable: true,
    configurable: true,
};
const _issuesDesc = { value: undefined, enumerable: false };
/* Prototypes that already carry the lazy `toString`. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
const initializer = (inst, def) => {
    inst.name = "$ZodError";
    // `_zod` is already non-enumerable: $constructor's init defined it with this same descriptor
    _issuesDesc.value = def;
    Object.defineProperty(inst, "issues", _issuesDesc);
    // Clear the shared slot; a retained `value` pins the last error's issues.
    _issuesDesc.value = undefined;
    Object.defineProperty(inst, "message", _messageDesc);
    /* `toString` lives as a non-enumerable lazy getter on the shared
     * prototype; on first access it caches a per-instance closure so
     * detached usage still works. */
    const proto = Object.getPrototypeOf(inst);
    if (!_installedToString.has(proto)) {
        _installedToString.add(proto);
        Object.defineProperty(proto, "toString", {
            configurable: true,
            enumerable: false,
            get() {
                const value = () => this.message;
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
                return value;
            },
            set(value) {
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
            },
        });
    }
};
const $ZodError = $constructor("$ZodError", initializer);
const $ZodRealError = $constructor("$ZodError", initializer, undefined, {
    Parent: Error,
});
/** Get-or-create `obj[key]` as an own data property. A path segment naming an inherited member
 * ("toString", "constructor") would otherwise read through to the prototype, and assigning
 * "__proto__" would hit the setter instead of creating a key. */
function node(obj, key, make) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
        if (key === "__proto__") {
            Object.defineProperty(obj, key, { value: make(), writable: true, enumerable: true, configurable: true });
        }
        else {
            obj[key] = make();
        }
    }
    return obj[key];
}
function flattenError(error, mapper = (issue) => issue.message) {
    const fieldErrors = {};
    const formErrors = [];
    for (const sub of error.issues) {
        if (sub.path.length > 0) {
            node(fieldErrors, sub.path[0], () => []).push(mapper(sub));
        }
        else {
            formErrors.push(mapper(sub));
        }
    }
    return { formErrors, fieldErrors };
}
function errors_formatError(error, mapper = (issue) => issue.message) {
    const fieldErrors = { _errors: [] };
    const processError = (error, path = []) => {
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    fieldErrors._errors.push(mapper(issue));
                }
                else {
                    let curr = fieldErrors;
                    let i = 0;
                    while (i < fullpath.length) {
                        const el = fullpath[i];
                        const terminal = i === fullpath.length - 1;
                        // `_errors` is reserved by this legacy format, so merge a matching path segment into the current node instead of treating its array as a child.
                        if (el === "_errors") {
                            if (terminal)
                                curr._errors.push(mapper(issue));
                            i++;
                            continue;
                        }
                        // A path element may collide with an inherited property name such as
                        // "__proto__" or "constructor". Truthiness checks read the prototype
                        // (so no node is created, then ._errors.push throws), and bracket
                        // assignment of "__proto__" hits the setter instead of creating an
                        // own key. Guard the read with hasOwnProperty and create the node
                        // with defineProperty so any path element becomes a real own key.
                        if (!Object.prototype.hasOwnProperty.call(curr, el)) {
                            Object.defineProperty(curr, el, {
                                value: { _errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        const node = curr[el];
                        if (terminal) {
                            node._errors.push(mapper(issue));
                        }
                        curr = node;
                        i++;
                    }
                }
            }
        }
    };
    processError(error);
    return fieldErrors;
}
function treeifyError(error, mapper = (issue) => issue.message) {
    const result = { errors: [] };
    const processError = (error, path = []) => {
        var _a;
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                // regular union error
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    result.errors.push(mapper(issue));
                    continue;
                }
                let curr = result;
                let i = 0;
                while (i < fullpath.length) {
                    const el = fullpath[i];
                    const terminal = i === fullpath.length - 1;
                    if (typeof el === "string") {
                        curr.properties ?? (curr.properties = {});
                        // el may collide with an inherited property name ("__proto__",
                        // "constructor", ...); ??= reads the prototype so the node is never
                        // created and curr.errors.push throws. Guard with hasOwnProperty and
                        // create the node with defineProperty so "__proto__" becomes a real
                        // own key rather than invoking the prototype setter.
                        if (!Object.prototype.hasOwnProperty.call(curr.properties, el)) {
                            Object.defineProperty(curr.properties, el, {
                                value: { errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        curr = curr.properties[el];
                    }
                    else {
                        curr.items ?? (curr.items = []);
                        (_a = curr.items)[el] ?? (_a[el] = { errors: [] });
                        curr = curr.items[el];
                    }
                    if (terminal) {
                        curr.errors.push(mapper(issue));
                    }
                    i++;
                }
            }
        }
    };
    processError(error);
    return result;
}
/** Format a ZodError as a human-readable string in the following form.
 *
 * From
 *
 * ```ts
 * ZodError {
 *   issues: [
 *     {
 *       expected: 'string',
 *       code: 'invalid_type',
 *       path: [ 'username' ],
 *       message: 'Invalid input: expected string'
 *     },
 *     {
 *       expected: 'number',
 *       code: 'invalid_type',
 *       path: [ 'favoriteNumbers', 1 ],
 *       message: 'Invalid input: expected number'
 *     }
 *   ];
 * }
 * ```
 *
 * to
 *
 * ```
 * username
 *   ✖ Expected number, received string at "username
 * favoriteNumbers[0]
 *   ✖ Invalid input: expected number
 * ```
 */
function toDotPath(_path) {
    const segs = [];
    const path = _path.map((seg) => (typeof seg === "object" ? seg.key : seg));
    for (const seg of path) {
        if (typeof seg === "number")
            segs.push(`[${seg}]`);
        else if (typeof seg === "symbol")
            segs.push(`[${JSON.stringify(String(seg))}]`);
        else if (/[^\w$]/.test(seg))
            segs.push(`[${JSON.stringify(seg)}]`);
        else {
            if (segs.length)
                segs.push(".");
            segs.push(seg);
        }
    }
    return segs.join("");
}
function prettifyError(error) {
    const lines = [];
    // sort by path length
    const issues = [...error.issues].sort((a, b) => (a.path ?? []).length - (b.path ?? []).length);
    // Process each issue
    for (const issue of issues) {
        lines.push(`✖ ${issue.message}`);
        if (issue.path?.length)
            lines.push(`  → at ${toDotPath(issue.path)}`);
    }
    // Convert Map to formatted string
    return lines.join("\n");
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/parse.js



// Always both keys, so the `_params` read site in `_parse` sees one object shape rather than two.
function finalizeParams(callee, params) {
    return { callee: params?.callee ?? callee, Err: params?.Err };
}
const _parse = (_Err) => {
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
        const result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise) {
            throw new $ZodAsyncError();
        }
        if (result.issues.length) {
            const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, _params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parse = /* @__PURE__*/ _parse($ZodRealError);
const _parseAsync = (_Err) => {
    const fn = async (schema, value, _ctx, params) => {
        const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
        let result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise)
            result = await result;
        if (result.issues.length) {
            const e = new (params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parseAsync = /* @__PURE__*/ _parseAsync($ZodRealError);
const _safeParse = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
    const result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParse = /* @__PURE__*/ _safeParse($ZodRealError);
// the error is built on the first read of `error`: finalizing the issues and constructing the instance is most of a failing parse, and a caller that only branches on `success` never pays it. a getter in the literal keeps this small; the alternative, one shared accessor descriptor plus a hidden state slot, reads ~15% faster but costs ~75 B gzipped in every bundle
function failure(Err, issues, ctx) {
    let error;
    return {
        success: false,
        get error() {
            if (!error) {
                error = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config())));
                // finalizeIssue drops `input`, so the built error holds nothing; keeping the raw issues past this point pins the parsed value for the life of the result
                issues = undefined;
                ctx = undefined;
            }
            return error;
        },
        set error(e) {
            error = e;
            // a replacement makes the getter's branch unreachable, so the captures have to go here too
            issues = undefined;
            ctx = undefined;
        },
    };
}
const _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParseAsync = /* @__PURE__*/ _safeParseAsync($ZodRealError);
// registry mirrors of the compiler's sentinels, so this module never imports the compiler
const COMPILE_INVALID = /* @__PURE__ */ Symbol.for("zod.compile.invalid");
const COMPILE_FALLBACK = /* @__PURE__ */ Symbol.for("zod.compile.fallback");
// Deliberately tiny, because v8 will not inline a body carrying the fallback's object literals and throw. Everything that is not the compiled happy path lives in validateFallback, and that split is worth ~35% on a compiled schema.
const validate = ((schema, value, _ctx) => {
    const validator = schema._zod.bag.validator;
    if (validator !== undefined) {
        if (validator(value) !== COMPILE_INVALID)
            return true;
        // a definite sentinel means the runtime would reject, so skip the re-parse; a ctx can still change the answer
        if (validator.definite === true && _ctx === undefined)
            return false;
    }
    return validateFallback(schema, value, _ctx);
});
function validateFallback(schema, value, _ctx) {
    const ctx = _ctx
        ? { ..._ctx, async: false, abortEarly: true }
        : { async: false, abortEarly: true };
    const fallbackRun = schema._zod.bag.fallbackRun;
    let result;
    if (fallbackRun) {
        // skip nested fast paths on the fallback, so user callbacks keep the at-most-twice bound
        ctx[COMPILE_FALLBACK] = true;
        result = fallbackRun({ value, issues: [] }, ctx);
    }
    else {
        result = schema._zod.run({ value, issues: [] }, ctx);
    }
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length === 0;
}
// no fast path: the compiler keeps async parses on the runtime, because a promise-returning callback that is not declared async compiles to a throw
const parse_validateAsync = async (schema, value, _ctx) => {
    const ctx = _ctx
        ? { ..._ctx, async: true, abortEarly: true }
        : { async: true, abortEarly: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length === 0;
};
const _encode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return parse(schema, value, ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const encode = /* @__PURE__*/ _encode($ZodRealError);
const _decode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        return parse(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decode = /* @__PURE__*/ _decode($ZodRealError);
const _encodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return (await parseAsync(schema, value, ctx, finalizeParams(fn, _params)));
    };
    return fn;
};
const encodeAsync = /* @__PURE__*/ _encodeAsync($ZodRealError);
const _decodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        return await parseAsync(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decodeAsync = /* @__PURE__*/ _decodeAsync($ZodRealError);
const _safeEncode = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParse(_Err)(schema, value, ctx);
};
const safeEncode = /* @__PURE__*/ _safeEncode($ZodRealError);
const _safeDecode = (_Err) => (schema, value, _ctx) => {
    return _safeParse(_Err)(schema, value, _ctx);
};
const safeDecode = /* @__PURE__*/ _safeDecode($ZodRealError);
const _safeEncodeAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParseAsync(_Err)(schema, value, ctx);
};
const safeEncodeAsync = /* @__PURE__*/ _safeEncodeAsync($ZodRealError);
const _safeDecodeAsync = (_Err) => async (schema, value, _ctx) => {
    return _safeParseAsync(_Err)(schema, value, _ctx);
};
const safeDecodeAsync = /* @__PURE__*/ _safeDecodeAsync($ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/errors.js



/* Prototypes that already carry the lazy helper methods. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedErrorProtos = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
/* Helper methods live as non-enumerable lazy getters on the shared
 * prototype instead of own properties on every instance. On first
 * access the getter allocates the per-instance closure and caches it
 * as a non-enumerable own property, so detached usage still works and
 * the allocation only happens for methods actually touched. */
function _lazyMethod(proto, key, make) {
    Object.defineProperty(proto, key, {
        configurable: true,
        enumerable: false,
        get() {
            const value = make(this);
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
            return value;
        },
        set(value) {
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
        },
    });
}
const errors_initializer = (inst, issues) => {
    $ZodError.init(inst, issues);
    inst.name = "ZodError";
    const proto = Object.getPrototypeOf(inst);
    if (_installedErrorProtos.has(proto))
        return;
    _installedErrorProtos.add(proto);
    _lazyMethod(proto, "format", (self) => (mapper) => errors_formatError(self, mapper));
    _lazyMethod(proto, "flatten", (self) => (mapper) => flattenError(self, mapper));
    _lazyMethod(proto, "addIssue", (self) => (issue) => {
        self.issues.push(issue);
        self.message = JSON.stringify(self.issues, jsonStringifyReplacer, 2);
    });
    _lazyMethod(proto, "addIssues", (self) => (issues) => {
        self.issues.push(...issues);
        self.message = JSON.stringify(self.issues, jsonStringifyReplacer, 2);
    });
    Object.defineProperty(proto, "isEmpty", {
        configurable: true,
        enumerable: false,
        get() {
            return this.issues.length === 0;
        },
    });
};
const ZodError = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodError", errors_initializer)));
const ZodRealError = /*@__PURE__*/ $constructor("ZodError", errors_initializer, undefined, {
    Parent: Error,
});
// /** @deprecated Use `z.core.$ZodErrorMapCtx` instead. */
// export type ErrorMapCtx = core.$ZodErrorMapCtx;

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/parse.js


const classic_parse_parse = /* @__PURE__ */ _parse(ZodRealError);
const classic_parse_parseAsync = /* @__PURE__ */ _parseAsync(ZodRealError);
const parse_safeParse = /* @__PURE__ */ _safeParse(ZodRealError);
const parse_safeParseAsync = /* @__PURE__ */ _safeParseAsync(ZodRealError);

// Codec functions
const parse_encode = /* @__PURE__ */ _encode(ZodRealError);
const parse_decode = /* @__PURE__ */ _decode(ZodRealError);
const parse_encodeAsync = /* @__PURE__ */ _encodeAsync(ZodRealError);
const parse_decodeAsync = /* @__PURE__ */ _decodeAsync(ZodRealError);
const parse_safeEncode = /* @__PURE__ */ _safeEncode(ZodRealError);
const parse_safeDecode = /* @__PURE__ */ _safeDecode(ZodRealError);
const parse_safeEncodeAsync = /* @__PURE__ */ _safeEncodeAsync(ZodRealError);
const parse_safeDecodeAsync = /* @__PURE__ */ _safeDecodeAsync(ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/schemas.js








// Register English as the default locale on first ZodType construction. Hooked into the `ZodType` `$constructor` (rather than a top-level `config(en())` in `external.ts`) so bundlers honoring `sideEffects: false` can't tree-shake it out — see #5953, #5725. An explicit `z.config(z.locales.xx())` call wins regardless of order, since this only sets the default when none is present.
function _ensureDefaultLocale() {
    if (!globalConfig.localeError)
        config(en());
}
// the default memoizer is read by the core container init, which runs before `ZodType.init`, so each container calls this first
function _ensureDefaultMemoizer() {
    if (!globalConfig.memoizer)
        config({ memoizer: memoizer() });
}
const ZodType = /*@__PURE__*/ $constructor("ZodType", (inst, def) => {
    _ensureDefaultLocale();
    $ZodType.init(inst, def);
    inst.def = def;
    inst.type = def.type;
    return inst;
}, {
    check(...chks) {
        const def = this.def;
        return this.clone(mergeDefs(def, {
            checks: [
                ...(def.checks ?? []),
                ...chks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch),
            ],
        }), { parent: true });
    },
    with(...chks) {
        return this.check(...chks);
    },
    clone(def, params) {
        return clone(this, def, params);
    },
    brand() {
        return this;
    },
    register(reg, meta) {
        reg.add(this, meta);
        return this;
    },
    refine(check, params) {
        return this.check(refine(check, params));
    },
    superRefine(refinement, params) {
        return this.check(superRefine(refinement, params));
    },
    overwrite(fn) {
        return this.check(_overwrite(fn));
    },
    optional() {
        return optional(this);
    },
    exactOptional() {
        return exactOptional(this);
    },
    nullable() {
        return nullable(this);
    },
    nullish() {
        return optional(nullable(this));
    },
    nonoptional(params) {
        return nonoptional(this, params);
    },
    array() {
        return array(this);
    },
    or(arg) {
        return union([this, arg]);
    },
    and(arg) {
        return intersection(this, arg);
    },
    transform(tx) {
        return pipe(this, transform(tx));
    },
    default(d) {
        return schemas_default(this, d);
    },
    prefault(d) {
        return prefault(this, d);
    },
    catch(params) {
        return schemas_catch(this, params);
    },
    pipe(target) {
        return pipe(this, target);
    },
    readonly() {
        return readonly(this);
    },
    describe(description) {
        const cl = this.clone();
        globalRegistry.add(cl, { description });
        return cl;
    },
    meta(...args) {
        // overloaded: meta() returns the registered metadata, meta(data) returns a clone with `data` registered. The mapped type picks up the second overload, so we accept variadic any-args and return `any` to satisfy both at runtime.
        if (args.length === 0)
            return globalRegistry.get(this);
        const cl = this.clone();
        globalRegistry.add(cl, args[0]);
        return cl;
    },
    isOptional() {
        return this.safeParse(undefined).success;
    },
    isNullable() {
        return this.safeParse(null).success;
    },
    apply(fn, ...args) {
        return args.length === 0 ? fn(this) : fn(this, ...args);
    },
    // Overrides core's `~standard` to add `jsonSchema`. Must stay a prototype entry: redefining it per instance demotes instances to dictionary mode.
    get "~standard"() {
        return hide(this, "~standard", {
            ...standardProps(this),
            jsonSchema: {
                input: createStandardJSONSchemaMethod(this, "input"),
                output: createStandardJSONSchemaMethod(this, "output"),
            },
        });
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
    parse: function _parse(data, params) {
        return classic_parse_parse(this, data, params, { callee: _parse });
    },
    parseAsync: async function _parseAsync(data, params) {
        return await classic_parse_parseAsync(this, data, params, { callee: _parseAsync });
    },
    safeParse(data, params) {
        return parse_safeParse(this, data, params);
    },
    async safeParseAsync(data, params) {
        return parse_safeParseAsync(this, data, params);
    },
    // `spa` is an alias: same function object as `safeParseAsync`, as before.
    get spa() {
        return this?.safeParseAsync;
    },
    set spa(value) {
        own(this, "spa", value);
    },
    validate(data, params) {
        return validate(this, data, params);
    },
    validateAsync(data, params) {
        return parse_validateAsync(this, data, params);
    },
    encode: function _encode(data, params) {
        return parse_encode(this, data, params, { callee: _encode });
    },
    decode: function _decode(data, params) {
        return parse_decode(this, data, params, { callee: _decode });
    },
    encodeAsync: async function _encodeAsync(data, params) {
        return await parse_encodeAsync(this, data, params, { callee: _encodeAsync });
    },
    decodeAsync: async function _decodeAsync(data, params) {
        return await parse_decodeAsync(this, data, params, { callee: _decodeAsync });
    },
    safeEncode(data, params) {
        return parse_safeEncode(this, data, params);
    },
    safeDecode(data, params) {
        return parse_safeDecode(this, data, params);
    },
    async safeEncodeAsync(data, params) {
        return parse_safeEncodeAsync(this, data, params);
    },
    async safeDecodeAsync(data, params) {
        return parse_safeDecodeAsync(this, data, params);
    },
    toJSONSchema(params) {
        return createToJSONSchemaMethod(this, {})(params);
    },
    // Reads through to the registry on every access, so it must not cache.
    get description() {
        return globalRegistry.get(this)?.description;
    },
    // No setter: `schema._def = x` throws, as it did when `_def` was a non-writable own property.
    get _def() {
        return this._zod.def;
    },
});
/** @internal */
const _ZodString = /*@__PURE__*/ $constructor("_ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => stringProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ derived({
    format: (inst) => aggregateChecks(inst).format ?? null,
    minLength: (inst) => aggregateChecks(inst).minimum ?? null,
    maxLength: (inst) => aggregateChecks(inst).maximum ?? null,
}, {
    regex(...args) {
        return this.check(_regex(...args));
    },
    includes(...args) {
        return this.check(_includes(...args));
    },
    startsWith(...args) {
        return this.check(_startsWith(...args));
    },
    endsWith(...args) {
        return this.check(_endsWith(...args));
    },
    min(...args) {
        return this.check(_minLength(...args));
    },
    max(...args) {
        return this.check(_maxLength(...args));
    },
    length(...args) {
        return this.check(_length(...args));
    },
    nonempty(...args) {
        return this.check(_minLength(1, ...args));
    },
    lowercase(params) {
        return this.check(_lowercase(params));
    },
    uppercase(params) {
        return this.check(_uppercase(params));
    },
    trim() {
        return this.check(_trim());
    },
    normalize(...args) {
        return this.check(_normalize(...args));
    },
    toLowerCase() {
        return this.check(_toLowerCase());
    },
    toUpperCase() {
        return this.check(_toUpperCase());
    },
    slugify() {
        return this.check(_slugify());
    },
}));
const ZodString = /*@__PURE__*/ $constructor("ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    _ZodString.init(inst, def);
}, {
    email(params) {
        return this.check(_email(ZodEmail, params));
    },
    url(params) {
        return this.check(_url(ZodURL, params));
    },
    jwt(params) {
        return this.check(_jwt(ZodJWT, params));
    },
    emoji(params) {
        return this.check(api_emoji(ZodEmoji, params));
    },
    guid(params) {
        return this.check(_guid(ZodGUID, params));
    },
    uuid(params) {
        return this.check(_uuid(ZodUUID, params));
    },
    uuidv4(params) {
        return this.check(_uuidv4(ZodUUID, params));
    },
    uuidv6(params) {
        return this.check(_uuidv6(ZodUUID, params));
    },
    uuidv7(params) {
        return this.check(_uuidv7(ZodUUID, params));
    },
    nanoid(params) {
        return this.check(_nanoid(ZodNanoID, params));
    },
    cuid(params) {
        return this.check(_cuid(ZodCUID, params));
    },
    cuid2(params) {
        return this.check(_cuid2(ZodCUID2, params));
    },
    ulid(params) {
        return this.check(_ulid(ZodULID, params));
    },
    base64(params) {
        return this.check(_base64(ZodBase64, params));
    },
    base64url(params) {
        return this.check(_base64url(ZodBase64URL, params));
    },
    xid(params) {
        return this.check(_xid(ZodXID, params));
    },
    ksuid(params) {
        return this.check(_ksuid(ZodKSUID, params));
    },
    ipv4(params) {
        return this.check(_ipv4(ZodIPv4, params));
    },
    ipv6(params) {
        return this.check(_ipv6(ZodIPv6, params));
    },
    cidrv4(params) {
        return this.check(_cidrv4(ZodCIDRv4, params));
    },
    cidrv6(params) {
        return this.check(_cidrv6(ZodCIDRv6, params));
    },
    e164(params) {
        return this.check(_e164(ZodE164, params));
    },
    datetime(params) {
        return this.check(_isoDateTime(ZodISODateTime, params));
    },
    date(params) {
        return this.check(_isoDate(ZodISODate, params));
    },
    time(params) {
        return this.check(_isoTime(ZodISOTime, params));
    },
    duration(params) {
        return this.check(_isoDuration(ZodISODuration, params));
    },
});
function schemas_string(params) {
    return _string(ZodString, params);
}
const ZodStringFormat = /*@__PURE__*/ $constructor("ZodStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    _ZodString.init(inst, def);
});
const ZodISODateTime = /*@__PURE__*/ $constructor("ZodISODateTime", (inst, def) => {
    $ZodISODateTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODate = /*@__PURE__*/ $constructor("ZodISODate", (inst, def) => {
    $ZodISODate.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISOTime = /*@__PURE__*/ $constructor("ZodISOTime", (inst, def) => {
    $ZodISOTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODuration = /*@__PURE__*/ $constructor("ZodISODuration", (inst, def) => {
    $ZodISODuration.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodEmail = /*@__PURE__*/ $constructor("ZodEmail", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmail.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_email(params) {
    return core._email(ZodEmail, params);
}
const ZodGUID = /*@__PURE__*/ $constructor("ZodGUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodGUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_guid(params) {
    return core._guid(ZodGUID, params);
}
const ZodUUID = /*@__PURE__*/ $constructor("ZodUUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodUUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_uuid(params) {
    return core._uuid(ZodUUID, params);
}
function uuidv4(params) {
    return core._uuidv4(ZodUUID, params);
}
// ZodUUIDv6
function uuidv6(params) {
    return core._uuidv6(ZodUUID, params);
}
// ZodUUIDv7
function uuidv7(params) {
    return core._uuidv7(ZodUUID, params);
}
const ZodURL = /*@__PURE__*/ $constructor("ZodURL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodURL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function url(params) {
    return core._url(ZodURL, params);
}
function httpUrl(params) {
    return core._url(ZodURL, {
        protocol: regexes.httpProtocol,
        hostname: regexes.domain,
        ...util.normalizeParams(params),
    });
}
const ZodEmoji = /*@__PURE__*/ $constructor("ZodEmoji", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmoji.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_emoji(params) {
    return core._emoji(ZodEmoji, params);
}
const ZodNanoID = /*@__PURE__*/ $constructor("ZodNanoID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodNanoID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_nanoid(params) {
    return core._nanoid(ZodNanoID, params);
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const ZodCUID = /*@__PURE__*/ $constructor("ZodCUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
/**
 * Validates a CUID v1 string.
 *
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2 | `z.cuid2()`} instead.
 * See https://github.com/paralleldrive/cuid.
 */
function schemas_cuid(params) {
    return core._cuid(ZodCUID, params);
}
const ZodCUID2 = /*@__PURE__*/ $constructor("ZodCUID2", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID2.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cuid2(params) {
    return core._cuid2(ZodCUID2, params);
}
const ZodULID = /*@__PURE__*/ $constructor("ZodULID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodULID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ulid(params) {
    return core._ulid(ZodULID, params);
}
const ZodXID = /*@__PURE__*/ $constructor("ZodXID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodXID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_xid(params) {
    return core._xid(ZodXID, params);
}
const ZodKSUID = /*@__PURE__*/ $constructor("ZodKSUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodKSUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ksuid(params) {
    return core._ksuid(ZodKSUID, params);
}
const ZodIPv4 = /*@__PURE__*/ $constructor("ZodIPv4", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv4(params) {
    return core._ipv4(ZodIPv4, params);
}
const ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMAC", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodMAC.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_mac(params) {
    return core._mac(ZodMAC, params);
}
const ZodIPv6 = /*@__PURE__*/ $constructor("ZodIPv6", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv6(params) {
    return core._ipv6(ZodIPv6, params);
}
const ZodCIDRv4 = /*@__PURE__*/ $constructor("ZodCIDRv4", (inst, def) => {
    $ZodCIDRv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv4(params) {
    return core._cidrv4(ZodCIDRv4, params);
}
const ZodCIDRv6 = /*@__PURE__*/ $constructor("ZodCIDRv6", (inst, def) => {
    $ZodCIDRv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv6(params) {
    return core._cidrv6(ZodCIDRv6, params);
}
const ZodBase64 = /*@__PURE__*/ $constructor("ZodBase64", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64(params) {
    return core._base64(ZodBase64, params);
}
const ZodBase64URL = /*@__PURE__*/ $constructor("ZodBase64URL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64URL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64url(params) {
    return core._base64url(ZodBase64URL, params);
}
const ZodE164 = /*@__PURE__*/ $constructor("ZodE164", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodE164.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_e164(params) {
    return core._e164(ZodE164, params);
}
const ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCreditCard", (inst, def) => {
    core.$ZodCreditCard.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_creditCard(params) {
    return core._creditCard(ZodCreditCard, params);
}
const ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodIBAN", (inst, def) => {
    core.$ZodIBAN.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_iban(params) {
    return core._iban(ZodIBAN, params);
}
const ZodJWT = /*@__PURE__*/ $constructor("ZodJWT", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodJWT.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function jwt(params) {
    return core._jwt(ZodJWT, params);
}
const ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCustomStringFormat", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodCustomStringFormat.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function stringFormat(format, fnOrRegex, _params = {}) {
    return core._stringFormat(ZodCustomStringFormat, format, fnOrRegex, _params);
}
function schemas_hostname(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hostname", regexes.hostname, _params);
}
function schemas_hex(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hex", regexes.hex, _params);
}
function schemas_currencyCode(_params) {
    return core._stringFormat(ZodCustomStringFormat, "currency_code", regexes.currencyCode, _params);
}
function hash(alg, params) {
    const enc = params?.enc ?? "hex";
    const format = `${alg}_${enc}`;
    const regex = core.regexes[format];
    if (!regex)
        throw new Error(`Unrecognized hash format: ${format}`);
    return core._stringFormat(ZodCustomStringFormat, format, regex, params);
}
const ZodNumber = /*@__PURE__*/ $constructor("ZodNumber", (inst, def) => {
    $ZodNumber.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => numberProcessor(inst, ctx, json, params);
    inst.isFinite = true;
}, 
/*@__PURE__*/ derived({
    minValue: (inst) => {
        const { minimum, exclusiveMinimum } = aggregateChecks(inst);
        return Math.max(minimum ?? Number.NEGATIVE_INFINITY, exclusiveMinimum ?? Number.NEGATIVE_INFINITY);
    },
    maxValue: (inst) => {
        const { maximum, exclusiveMaximum } = aggregateChecks(inst);
        return Math.min(maximum ?? Number.POSITIVE_INFINITY, exclusiveMaximum ?? Number.POSITIVE_INFINITY);
    },
    isInt: (inst) => {
        const { isInt, multipleOf } = aggregateChecks(inst);
        return !!isInt || !!multipleOf?.some(Number.isSafeInteger);
    },
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    int(params) {
        return this.check(schemas_int(params));
    },
    safe(params) {
        return this.check(schemas_int(params));
    },
    positive(params) {
        return this.check(_gt(0, params));
    },
    nonnegative(params) {
        return this.check(_gte(0, params));
    },
    negative(params) {
        return this.check(_lt(0, params));
    },
    nonpositive(params) {
        return this.check(_lte(0, params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
    step(value, params) {
        return this.check(_multipleOf(value, params));
    },
    finite() {
        return this;
    },
}));
function schemas_number(params) {
    return _number(ZodNumber, params);
}
const ZodNumberFormat = /*@__PURE__*/ $constructor("ZodNumberFormat", (inst, def) => {
    $ZodNumberFormat.init(inst, def);
    ZodNumber.init(inst, def);
});
function schemas_int(params) {
    return _int(ZodNumberFormat, params);
}
function float32(params) {
    return core._float32(ZodNumberFormat, params);
}
function float64(params) {
    return core._float64(ZodNumberFormat, params);
}
function int32(params) {
    return core._int32(ZodNumberFormat, params);
}
function uint32(params) {
    return core._uint32(ZodNumberFormat, params);
}
const ZodBoolean = /*@__PURE__*/ $constructor("ZodBoolean", (inst, def) => {
    $ZodBoolean.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => booleanProcessor(inst, ctx, json, params);
});
function schemas_boolean(params) {
    return _boolean(ZodBoolean, params);
}
const ZodBigInt = /*@__PURE__*/ $constructor("ZodBigInt", (inst, def) => {
    $ZodBigInt.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => bigintProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ derived({
    minValue: (inst) => aggregateChecks(inst).minimum ?? null,
    maxValue: (inst) => aggregateChecks(inst).maximum ?? null,
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    positive(params) {
        return this.check(_gt(BigInt(0), params));
    },
    negative(params) {
        return this.check(_lt(BigInt(0), params));
    },
    nonpositive(params) {
        return this.check(_lte(BigInt(0), params));
    },
    nonnegative(params) {
        return this.check(_gte(BigInt(0), params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
}));
function schemas_bigint(params) {
    return core._bigint(ZodBigInt, params);
}
const ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodBigIntFormat", (inst, def) => {
    core.$ZodBigIntFormat.init(inst, def);
    ZodBigInt.init(inst, def);
})));
function int64(params) {
    return core._int64(ZodBigIntFormat, params);
}
function uint64(params) {
    return core._uint64(ZodBigIntFormat, params);
}
const ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSymbol", (inst, def) => {
    core.$ZodSymbol.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.symbolProcessor(inst, ctx, json, params);
})));
function symbol(params) {
    return core._symbol(ZodSymbol, params);
}
const ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodUndefined", (inst, def) => {
    core.$ZodUndefined.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.undefinedProcessor(inst, ctx, json, params);
})));
function schemas_undefined(params) {
    return core._undefined(ZodUndefined, params);
}

const ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNull", (inst, def) => {
    core.$ZodNull.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nullProcessor(inst, ctx, json, params);
})));
function schemas_null(params) {
    return core._null(ZodNull, params);
}

const ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodAny", (inst, def) => {
    core.$ZodAny.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.anyProcessor(inst, ctx, json, params);
})));
function any() {
    return core._any(ZodAny);
}
const ZodUnknown = /*@__PURE__*/ $constructor("ZodUnknown", (inst, def) => {
    $ZodUnknown.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unknownProcessor(inst, ctx, json, params);
});
function unknown() {
    return _unknown(ZodUnknown);
}
const ZodNever = /*@__PURE__*/ $constructor("ZodNever", (inst, def) => {
    $ZodNever.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => neverProcessor(inst, ctx, json, params);
});
function never(params) {
    return _never(ZodNever, params);
}
const ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodVoid", (inst, def) => {
    core.$ZodVoid.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.voidProcessor(inst, ctx, json, params);
})));
function schemas_void(params) {
    return core._void(ZodVoid, params);
}

const ZodDate = /*@__PURE__*/ $constructor("ZodDate", (inst, def) => {
    $ZodDate.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => dateProcessor(inst, ctx, json, params);
    inst.min = (value, params) => inst.check(_gte(value, params));
    inst.max = (value, params) => inst.check(_lte(value, params));
}, 
/*@__PURE__*/ derived({
    minDate: (inst) => {
        const { minimum } = aggregateChecks(inst);
        return minimum ? new Date(minimum) : null;
    },
    maxDate: (inst) => {
        const { maximum } = aggregateChecks(inst);
        return maximum ? new Date(maximum) : null;
    },
}, {}));
function schemas_date(params) {
    return core._date(ZodDate, params);
}
const ZodArray = /*@__PURE__*/ $constructor("ZodArray", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodArray.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => arrayProcessor(inst, ctx, json, params);
    inst.element = def.element;
}, {
    min(n, params) {
        return this.check(_minLength(n, params));
    },
    nonempty(params) {
        return this.check(_minLength(1, params));
    },
    max(n, params) {
        return this.check(_maxLength(n, params));
    },
    length(n, params) {
        return this.check(_length(n, params));
    },
    unwrap() {
        return this.element;
    },
});
function array(element, params) {
    return _array(ZodArray, element, params);
}
// .keyof
function keyof(schema) {
    const shape = schema._zod.def.shape;
    return schemas_enum(Object.keys(shape));
}
const ZodObject = /*@__PURE__*/ $constructor("ZodObject", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodObjectJIT.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => objectProcessor(inst, ctx, json, params);
    installLazyProp(inst, "shape", (self) => self._zod.def.shape, false);
}, {
    keyof() {
        return schemas_enum(Object.keys(this._zod.def.shape));
    },
    catchall(catchall) {
        // `mergeDefs` rather than a spread: spreading reads `shape`, and resolving it can mint a whole fresh subtree
        return this.clone(mergeDefs(this._zod.def, { catchall: catchall }));
    },
    passthrough() {
        return this.clone(mergeDefs(this._zod.def, { catchall: unknown() }));
    },
    loose() {
        return this.clone(mergeDefs(this._zod.def, { catchall: unknown() }));
    },
    strict() {
        return this.clone(mergeDefs(this._zod.def, { catchall: never() }));
    },
    strip() {
        return this.clone(mergeDefs(this._zod.def, { catchall: undefined }));
    },
    extend(incoming) {
        return extend(this, incoming);
    },
    safeExtend(incoming) {
        return safeExtend(this, incoming);
    },
    merge(other) {
        return merge(this, other);
    },
    pick(mask) {
        return pick(this, mask);
    },
    omit(mask) {
        return omit(this, mask);
    },
    partial(...args) {
        return partial(ZodOptional, this, args[0]);
    },
    exactPartial(...args) {
        return partial(ZodExactOptional, this, args[0], "exactPartial");
    },
    required(...args) {
        return required(ZodNonOptional, this, args[0]);
    },
});
function object(shape, params) {
    const def = {
        type: "object",
        shape: shape ?? {},
        ...util.normalizeParams(params),
    };
    return new ZodObject(def);
}
// strictObject
function strictObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: never(),
        ...normalizeParams(params),
    });
}
// looseObject
function looseObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: unknown(),
        ...util.normalizeParams(params),
    });
}
const ZodUnion = /*@__PURE__*/ $constructor("ZodUnion", (inst, def) => {
    $ZodUnion.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
});
function union(options, params) {
    return new ZodUnion({
        type: "union",
        options: options,
        ...normalizeParams(params),
    });
}
const ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodXor", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodXor.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
})));
/** Creates an exclusive union (XOR) where exactly one option must match.
 * Unlike regular unions that succeed when any option matches, xor fails if
 * zero or more than one option matches the input. */
function xor(options, params) {
    return new ZodXor({
        type: "union",
        options: options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
const ZodDiscriminatedUnion = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodDiscriminatedUnion", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodDiscriminatedUnion.init(inst, def);
})));
function discriminatedUnion(discriminator, options, params) {
    // const [options, params] = args;
    return new ZodDiscriminatedUnion({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
const ZodIntersection = /*@__PURE__*/ $constructor("ZodIntersection", (inst, def) => {
    $ZodIntersection.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => intersectionProcessor(inst, ctx, json, params);
});
function intersection(left, right) {
    return new ZodIntersection({
        type: "intersection",
        left: left,
        right: right,
    });
}
const ZodTuple = /*@__PURE__*/ $constructor("ZodTuple", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTuple.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => tupleProcessor(inst, ctx, json, params);
}, {
    rest(rest) {
        return this.clone({
            ...this._zod.def,
            rest: rest,
        });
    },
    partial() {
        const def = this._zod.def;
        // a refinement was authored against the full arity; partialing would run it on a shorter array
        if (def.checks?.length)
            throw new Error(".partial() cannot be used on tuple schemas containing refinements");
        return this.clone({
            ...def,
            items: def.items.map((item) => new ZodOptional({ type: "optional", innerType: item })),
        });
    },
});
function tuple(items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof core.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new ZodTuple({
        type: "tuple",
        items: items,
        rest,
        ...util.normalizeParams(params),
    });
}
const ZodRecord = /*@__PURE__*/ $constructor("ZodRecord", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodRecord.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => recordProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
});
function record(keyType, valueType, params) {
    // v3-compat: z.record(valueType, params?) — defaults keyType to z.string()
    if (!valueType || !valueType._zod) {
        return new ZodRecord({
            type: "record",
            keyType: schemas_string(),
            valueType: keyType,
            ...normalizeParams(valueType),
        });
    }
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...normalizeParams(params),
    });
}
// type alksjf = core.output<core.$ZodRecordKey>;
function partialRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
        partial: true,
    });
}
function looseRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        mode: "loose",
        ...util.normalizeParams(params),
    });
}
const ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMap", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodMap.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.mapProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function map(keyType, valueType, params) {
    return new ZodMap({
        type: "map",
        keyType: keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSet", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodSet.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.setProcessor(inst, ctx, json, params);
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function set(valueType, params) {
    return new ZodSet({
        type: "set",
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodEnum = /*@__PURE__*/ $constructor("ZodEnum", (inst, def) => {
    $ZodEnum.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => enumProcessor(inst, ctx, json, params);
    inst.enum = def.entries;
    // reuse the parsed value set so a numeric TS enum's reverse-mapping keys stay out
    inst.options = [...inst._zod.values];
    const keys = new Set(Object.keys(def.entries));
    inst.extract = (values, params) => {
        const newEntries = {};
        for (const value of values) {
            if (keys.has(value)) {
                newEntries[value] = def.entries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...normalizeParams(params),
            entries: newEntries,
        });
    };
    inst.exclude = (values, params) => {
        const newEntries = { ...def.entries };
        for (const value of values) {
            if (keys.has(value)) {
                delete newEntries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...normalizeParams(params),
            entries: newEntries,
        });
    };
});
function schemas_enum(values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    return new ZodEnum({
        type: "enum",
        entries,
        ...normalizeParams(params),
    });
}

/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function nativeEnum(entries, params) {
    return new ZodEnum({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
const ZodLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodLiteral", (inst, def) => {
    core.$ZodLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.literalProcessor(inst, ctx, json, params);
    inst.values = new Set(def.values);
    Object.defineProperty(inst, "value", {
        get() {
            if (def.values.length > 1) {
                throw new Error("This schema contains multiple valid literal values. Use `.values` instead.");
            }
            return def.values[0];
        },
    });
})));
function literal(value, params) {
    return new ZodLiteral({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
const ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFile", (inst, def) => {
    core.$ZodFile.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.fileProcessor(inst, ctx, json, params);
    inst.min = (size, params) => inst.check(core._minSize(size, params));
    inst.max = (size, params) => inst.check(core._maxSize(size, params));
    inst.mime = (types, params) => inst.check(core._mime(Array.isArray(types) ? types : [types], params));
})));
function file(params) {
    return core._file(ZodFile, params);
}
const ZodTransform = /*@__PURE__*/ $constructor("ZodTransform", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTransform.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => transformProcessor(inst, ctx, json, params);
    inst._zod.parse = (payload, _ctx) => {
        if (_ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util_issue(issue, payload.value, def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = inst);
                // _issue.continue ??= true;
                payload.issues.push(util_issue(_issue));
            }
        };
        const output = def.transform(payload.value, payload);
        if (output instanceof Promise) {
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        payload.value = output;
        return payload;
    };
});
function transform(fn) {
    return new ZodTransform({
        type: "transform",
        transform: fn,
    });
}
const ZodOptional = /*@__PURE__*/ $constructor("ZodOptional", (inst, def) => {
    $ZodOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function optional(innerType) {
    return new ZodOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodExactOptional = /*@__PURE__*/ $constructor("ZodExactOptional", (inst, def) => {
    $ZodExactOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function exactOptional(innerType) {
    return new ZodExactOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodNullable = /*@__PURE__*/ $constructor("ZodNullable", (inst, def) => {
    $ZodNullable.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nullableProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nullable(innerType) {
    return new ZodNullable({
        type: "nullable",
        innerType: innerType,
    });
}
// nullish
function schemas_nullish(innerType) {
    return optional(nullable(innerType));
}
const ZodDefault = /*@__PURE__*/ $constructor("ZodDefault", (inst, def) => {
    $ZodDefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => defaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeDefault = inst.unwrap;
});
function schemas_default(innerType, defaultValue) {
    return new ZodDefault({
        type: "default",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
        },
    });
}
const ZodPrefault = /*@__PURE__*/ $constructor("ZodPrefault", (inst, def) => {
    $ZodPrefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => prefaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function prefault(innerType, defaultValue) {
    return new ZodPrefault({
        type: "prefault",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
        },
    });
}
const ZodNonOptional = /*@__PURE__*/ $constructor("ZodNonOptional", (inst, def) => {
    $ZodNonOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nonoptionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nonoptional(innerType, params) {
    return new ZodNonOptional({
        type: "nonoptional",
        innerType: innerType,
        ...normalizeParams(params),
    });
}
const ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSuccess", (inst, def) => {
    core.$ZodSuccess.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.successProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function success(innerType) {
    return new ZodSuccess({
        type: "success",
        innerType: innerType,
    });
}
const ZodCatch = /*@__PURE__*/ $constructor("ZodCatch", (inst, def) => {
    $ZodCatch.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => catchProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeCatch = inst.unwrap;
});
function schemas_catch(innerType, catchValue) {
    return new ZodCatch({
        type: "catch",
        innerType: innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : constantCatch(catchValue)),
    });
}

const ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNaN", (inst, def) => {
    core.$ZodNaN.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nanProcessor(inst, ctx, json, params);
})));
function nan(params) {
    return core._nan(ZodNaN, params);
}
const ZodPipe = /*@__PURE__*/ $constructor("ZodPipe", (inst, def) => {
    $ZodPipe.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => pipeProcessor(inst, ctx, json, params);
    inst.in = def.in;
    inst.out = def.out;
});
function pipe(in_, out) {
    return new ZodPipe({
        type: "pipe",
        in: in_,
        out: out,
        // ...util.normalizeParams(params),
    });
}
const ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCodec", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodCodec.init(inst, def);
})));
function codec(in_, out, params) {
    return new ZodCodec({
        type: "pipe",
        in: in_,
        out: out,
        transform: params.decode,
        reverseTransform: params.encode,
    });
}
function invertCodec(codec) {
    const def = codec._zod.def;
    return new ZodCodec({
        type: "pipe",
        in: def.out,
        out: def.in,
        transform: def.reverseTransform,
        reverseTransform: def.transform,
    });
}
const ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPreprocess", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodPreprocess.init(inst, def);
})));
const ZodReadonly = /*@__PURE__*/ $constructor("ZodReadonly", (inst, def) => {
    $ZodReadonly.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => readonlyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function readonly(innerType) {
    return new ZodReadonly({
        type: "readonly",
        innerType: innerType,
    });
}
const ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodTemplateLiteral", (inst, def) => {
    core.$ZodTemplateLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.templateLiteralProcessor(inst, ctx, json, params);
})));
function templateLiteral(parts, params) {
    return new ZodTemplateLiteral({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
const ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodLazy", (inst, def) => {
    core.$ZodLazy.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.lazyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.getter();
})));
function lazy(getter) {
    return new ZodLazy({
        type: "lazy",
        getter: getter,
    });
}
const ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPromise", (inst, def) => {
    core.$ZodPromise.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.promiseProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function promise(innerType) {
    return new ZodPromise({
        type: "promise",
        innerType: innerType,
    });
}
const ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFunction", (inst, def) => {
    core.$ZodFunction.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.functionProcessor(inst, ctx, json, params);
})));
function _function(params) {
    return new ZodFunction({
        type: "function",
        input: Array.isArray(params?.input) ? tuple(params?.input) : (params?.input ?? array(unknown())),
        output: params?.output ?? unknown(),
    });
}

const ZodCustom = /*@__PURE__*/ $constructor("ZodCustom", (inst, def) => {
    $ZodCustom.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => customProcessor(inst, ctx, json, params);
});
// custom checks
function check(fn) {
    const ch = new core.$ZodCheck({
        check: "custom",
        // ...util.normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
function custom(fn, _params) {
    return core._custom(ZodCustom, fn ?? (() => true), _params);
}
function refine(fn, _params = {}) {
    return _refine(ZodCustom, fn, _params);
}
// superRefine
function superRefine(fn, params) {
    return _superRefine(fn, params);
}
// Re-export describe and meta from core
const schemas_describe = describe;
const schemas_meta = meta;
const ZodInstanceOf = /*@__PURE__*/ $constructor("ZodInstanceOf", (inst, def) => {
    ZodCustom.init(inst, def);
}, {
    properties(shape, params) {
        // asserts in place, so the narrowed output type is truthful without a wrapper
        return this.check(_properties(shape, params));
    },
});
function _instanceof(cls, params = {}) {
    const inst = new ZodInstanceOf({
        type: "custom",
        check: "custom",
        fn: (data) => data instanceof cls,
        abort: true,
        ...util.normalizeParams(params),
    });
    inst._zod.bag.Class = cls;
    // Override check to emit invalid_type instead of custom
    inst._zod.check = (payload) => {
        if (!(payload.value instanceof cls)) {
            payload.issues.push({
                code: "invalid_type",
                expected: cls.name,
                input: payload.value,
                inst,
                path: [...(inst._zod.def.path ?? [])],
            });
        }
    };
    return inst;
}

// stringbool
const stringbool = (...args) => core._stringbool({
    Codec: ZodCodec,
    Boolean: ZodBoolean,
    String: ZodString,
}, ...args);
function json(params) {
    const jsonSchema = lazy(() => {
        return union([schemas_string(params), schemas_number(), schemas_boolean(), schemas_null(), array(jsonSchema), record(schemas_string(), jsonSchema)]);
    });
    return jsonSchema;
}
// preprocess
function preprocess(fn, schema) {
    return new ZodPreprocess({
        type: "pipe",
        in: transform(fn),
        out: schema,
    });
}

;// CONCATENATED MODULE: ./src/config/units.ts
/**
 * Strict byte-size and growth parsing for budgets, plus the formatters reports use.
 * KB/MB/GB are decimal (1000), KiB/MiB/GiB are binary (1024).
 */
const UNITS = {
    B: 1n,
    kB: 1000n,
    KB: 1000n,
    MB: 1000n ** 2n,
    GB: 1000n ** 3n,
    KiB: 1024n,
    MiB: 1024n ** 2n,
    GiB: 1024n ** 3n,
};
const SIZE_UNITS = Object.keys(UNITS);
const ALLOWED = `allowed units: ${SIZE_UNITS.join(", ")} (KB = 1000 B, KiB = 1024 B), or a bare integer number of bytes`;
/** Parse `250KB`, `1.5MiB`, `1234` or a number into a whole number of bytes. Throws Error on bad input. */
function parseSize(text) {
    if (typeof text === "number") {
        if (!Number.isFinite(text))
            throw new Error(`invalid size ${text}: not a finite number; ${ALLOWED}`);
        if (text < 0)
            throw new Error(`invalid size ${text}: must not be negative`);
        if (!Number.isSafeInteger(text))
            throw new Error(`invalid size ${text}: a bare number means bytes and must be a whole number`);
        return text;
    }
    const shown = JSON.stringify(text);
    if (text === "")
        throw new Error(`invalid size "": empty; ${ALLOWED}`);
    if (/^-/.test(text))
        throw new Error(`invalid size ${shown}: must not be negative`);
    const m = /^([0-9]+)(?:\.([0-9]+))?([A-Za-z]*)$/.exec(text);
    if (!m)
        throw new Error(`invalid size ${shown}: expected a number followed by a unit, like 250KB; ${ALLOWED}`);
    const [, whole = "", fraction = "", unit = ""] = m;
    const mult = unit === "" ? 1n : UNITS[unit];
    if (mult === undefined)
        throw new Error(`invalid size ${shown}: unknown unit "${unit}"; ${ALLOWED}`);
    // Exact arithmetic: (whole.fraction) * mult must be an integer.
    const scale = 10n ** BigInt(fraction.length);
    const scaled = (BigInt(whole) * scale + BigInt(fraction || "0")) * mult;
    if (scaled % scale !== 0n)
        throw new Error(`invalid size ${shown}: is not a whole number of bytes`);
    const bytes = scaled / scale;
    if (bytes > BigInt(Number.MAX_SAFE_INTEGER))
        throw new Error(`invalid size ${shown}: too large`);
    return Number(bytes);
}
/** Parse a growth allowance: a size (`20KB`) or a percentage (`5%`, `2.5%`). Throws Error on bad input. */
function parseGrowth(text) {
    if (typeof text === "string" && text.endsWith("%")) {
        const shown = JSON.stringify(text);
        if (/^-/.test(text))
            throw new Error(`invalid growth ${shown}: must not be negative`);
        if (!/^[0-9]+(?:\.[0-9]+)?%$/.test(text)) {
            throw new Error(`invalid growth ${shown}: expected a percentage like 5% or 2.5%, or a size like 20KB`);
        }
        return { percent: Number(text.slice(0, -1)) };
    }
    try {
        return { bytes: parseSize(text) };
    }
    catch (err) {
        const reason = err.message.replace(/^invalid size /, "");
        throw new Error(`invalid growth ${reason}; or a percentage like 5%`);
    }
}
function groupThousands(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
/** `1234567` -> `1,234,567 B`. */
function formatBytes(n) {
    const sign = n < 0 ? "-" : "";
    return `${sign}${groupThousands(String(Math.round(Math.abs(n))))} B`;
}
/** `493400` -> `493.4 KB` (KB = 1000 B, one decimal). */
function formatKB(n) {
    const fixed = (Math.abs(n) / 1000).toFixed(1);
    const [whole = "0", frac = "0"] = fixed.split(".");
    const sign = n < 0 && fixed !== "0.0" ? "-" : "";
    return `${sign}${groupThousands(whole)}.${frac} KB`;
}

;// CONCATENATED MODULE: ./src/config/schema.ts
/**
 * The shape of configs/kimigayo.yml (zod schemas over the raw YAML) and the resolved
 * Config type the rest of the build uses. Messages written here end up verbatim in
 * UsageErrors, after the field path: they name the bad value and what is allowed.
 */




const PLATFORMS = ["linux/amd64", "linux/arm64"];
const DEFAULT_SOURCE_DATE_EPOCH = 1767225600;
const DEFAULT_IMAGE = "127.0.0.1:5000/kimigayo";
const DEFAULT_FILE_MODE = 0o644;
const VARIANT_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/** The variant's budget with the per-platform override applied. */
function budgetFor(v, p) {
    const { platforms, ...base } = v.budget;
    const merged = { ...base, ...platforms[p] };
    for (const k of Object.keys(merged))
        if (merged[k] === undefined)
            delete merged[k];
    return merged;
}
/** A value as it appears in a message. */
function show(v) {
    if (v === null || v === undefined)
        return "an empty value";
    if (typeof v === "string")
        return JSON.stringify(v);
    if (Array.isArray(v))
        return "a list";
    if (typeof v === "object")
        return "a mapping";
    return String(v);
}
/** z.strictObject whose unknown-key message lists the allowed keys (load.ts prefixes the key). */
function strict(shape) {
    const allowed = `allowed keys: ${Object.keys(shape).join(", ")}`;
    return strictObject(shape, { error: (iss) => (iss.code === "unrecognized_keys" ? allowed : undefined) });
}
/** A string checked by `ok`; `what` completes "<value> is not ...". */
function matching(ok, what) {
    return schemas_string().refine(ok, { error: (iss) => `${show(iss.input)} is not ${what}` });
}
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
// OCI distribution reference grammar, without tag or digest.
const DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_PART = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const IMAGE_REPO = new RegExp(`^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*$`);
function isImageRepository(s) {
    if (s.length > 255 || !IMAGE_REPO.test(s))
        return false;
    // Like docker: the first component is a registry only if it looks like a host.
    const [first, ...rest] = s.split("/");
    if (rest.length === 0 || first === undefined)
        return true;
    return /[.:]/.test(first) || first === "localhost" || /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(first);
}
function imageMessage(v) {
    const s = typeof v === "string" ? v : "";
    const lastPart = s.split("/").pop() ?? "";
    const hint = s.includes("@") || lastPart.includes(":") ? "; leave out the tag or digest" : "";
    return `${show(v)} is not a valid OCI repository reference like registry.example:5000/name/path (lowercase, no tag)${hint}`;
}
/** An image path: absolute, normalized, not the root. */
function isImagePath(s) {
    if (!s.startsWith("/") || s === "/" || s.endsWith("/") || s.includes("\0"))
        return false;
    return s
        .slice(1)
        .split("/")
        .every((seg) => seg !== "" && seg !== "." && seg !== "..");
}
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;
function isUrl(s) {
    try {
        new URL(s);
        return true;
    }
    catch {
        return false;
    }
}
/** Schemas that resolve paths need the config directory. */
function configSchema(dir) {
    const existingFile = schemas_string().transform((p, ctx) => {
        if (p === "") {
            ctx.addIssue({ code: "custom", message: "empty path; expected a file path relative to the config file", input: p });
            return NEVER;
        }
        const abs = (0,external_node_path_namespaceObject.resolve)(dir, p);
        let problem;
        try {
            if (!(0,external_node_fs_namespaceObject.statSync)(abs).isFile())
                problem = "is not a regular file";
        }
        catch {
            problem = "does not exist";
        }
        if (problem) {
            const where = (0,external_node_path_namespaceObject.isAbsolute)(p) ? "" : ` (resolved against ${dir})`;
            ctx.addIssue({ code: "custom", message: `file ${show(p)} ${problem}: ${abs}${where}`, input: p });
            return NEVER;
        }
        return abs;
    });
    const source = schemas_string().transform((s, ctx) => {
        if (/^https?:\/\//.test(s) || /^file:\/\//.test(s)) {
            if (isUrl(s))
                return s;
            ctx.addIssue({ code: "custom", message: `${show(s)} is not a valid URL`, input: s });
            return NEVER;
        }
        if (s === "" || URL_SCHEME.test(s)) {
            ctx.addIssue({
                code: "custom",
                message: `${show(s)} is not supported; expected an http://, https:// or file:// URL or a local path`,
                input: s,
            });
            return NEVER;
        }
        return (0,external_node_path_namespaceObject.resolve)(dir, s);
    });
    const sources = array(source).min(1, { error: "must not be empty; list at least one URL" });
    const size = unknown().transform((v, ctx) => {
        try {
            if (typeof v !== "string" && typeof v !== "number")
                throw new Error(`expected a size like 250KB, got ${show(v)}`);
            const n = parseSize(v);
            if (n === 0)
                throw new Error(`invalid size ${show(v)}: must be greater than 0`);
            return n;
        }
        catch (err) {
            ctx.addIssue({ code: "custom", message: err.message, input: v });
            return NEVER;
        }
    });
    const growth = unknown().transform((v, ctx) => {
        try {
            if (typeof v !== "string" && typeof v !== "number")
                throw new Error(`expected a size like 20KB or a percentage like 5%, got ${show(v)}`);
            return parseGrowth(v);
        }
        catch (err) {
            ctx.addIssue({ code: "custom", message: err.message, input: v });
            return NEVER;
        }
    });
    const mode = unknown().transform((v, ctx) => {
        if (typeof v === "string" && /^[0-7]{3,4}$/.test(v))
            return parseInt(v, 8);
        const message = typeof v === "number"
            ? `got the number ${v}; write the mode as a quoted octal string, e.g. mode: "0${v}"`
            : `${show(v)} is not a file mode; expected a quoted octal string like "0644" or "0755"`;
        ctx.addIssue({ code: "custom", message, input: v });
        return NEVER;
    });
    const budgetFields = { size: size.optional(), compressed: size.optional(), growth: growth.optional() };
    const platformBudget = strict(budgetFields).optional();
    const budget = strict({
        ...budgetFields,
        platforms: strict({ "linux/amd64": platformBudget, "linux/arm64": platformBudget }).optional(),
    });
    const variant = strict({
        description: schemas_string().optional(),
        busybox: existingFile,
        services: existingFile,
        default: schemas_boolean().optional(),
        budget: budget.optional(),
    });
    const variantName = matching((s) => VARIANT_NAME.test(s), `a valid variant name; expected ${VARIANT_NAME.source}`);
    const platform = schemas_enum(PLATFORMS, {
        error: (iss) => `${show(iss.input)} is not a supported platform; allowed: ${PLATFORMS.join(", ")}`,
    });
    return strict({
        version: matching((s) => SEMVER.test(s), "a semantic version like 2.1.0"),
        source_date_epoch: schemas_number()
            .refine((n) => Number.isSafeInteger(n) && n >= 0, {
            error: (iss) => `${show(iss.input)} is not a valid timestamp; expected a non-negative whole number of seconds since 1970`,
        })
            .optional(),
        busybox: strict({
            version: matching((s) => /^[0-9]+\.[0-9]+\.[0-9]+$/.test(s), "a BusyBox version like 1.38.0"),
            sha256: matching((s) => /^[0-9a-f]{64}$/.test(s), "a sha256; expected exactly 64 lowercase hex characters"),
            urls: sources,
            signature: strict({ key: existingFile, urls: sources.optional() }).optional(),
            patches: array(existingFile).optional(),
        }),
        platforms: array(platform).min(1, { error: `must not be empty; allowed: ${PLATFORMS.join(", ")}` }),
        image: schemas_string()
            .refine(isImageRepository, { error: (iss) => imageMessage(iss.input) })
            .optional(),
        files: array(strict({
            path: matching(isImagePath, "an absolute, normalized path in the image like /etc/rc.conf"),
            src: existingFile,
            mode: mode.optional(),
        }))
            .optional(),
        variants: record(variantName, variant).refine((r) => Object.keys(r).length > 0, { error: "must define at least one variant" }),
    });
}

;// CONCATENATED MODULE: ./src/config/yaml.ts
/**
 * A small YAML subset parser that remembers where every value came from.
 *
 * Supported: block mappings and sequences (indented with spaces), `- key: v` mappings inside
 * sequences, one-line flow sequences `[a, b]` and mappings `{ a: 1 }`, plain, 'single' and
 * "double" quoted scalars, comments, blank lines and one leading `---`.
 * Everything else (tabs for indentation, anchors, aliases, tags, block scalars, several
 * documents, duplicate keys, bad indentation) is an error with a line and column: never a guess.
 */

const isSpace = (c) => c === " " || c === "\t";
const isFlowIndicator = (c) => c === "," || c === "[" || c === "]" || c === "{" || c === "}";
function joinPath(path, key) {
    return path === "" ? String(key) : `${path}.${key}`;
}
/** Type a plain (unquoted) scalar: booleans, null, integers and decimals; everything else stays a string. */
function resolvePlain(s) {
    if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL")
        return null;
    if (s === "true" || s === "True" || s === "TRUE")
        return true;
    if (s === "false" || s === "False" || s === "FALSE")
        return false;
    if (/^-?[0-9]+$/.test(s) || /^-?[0-9]+\.[0-9]+$/.test(s))
        return Number(s);
    return s;
}
/** Define a property even for keys like `__proto__`. */
function setKey(obj, key, value) {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
function parseYaml(text, file) {
    return new Parser(text, file).parseDocument();
}
class Parser {
    file;
    lines = [];
    i = 0;
    locations = new Map();
    constructor(text, file) {
        this.file = file;
        this.splitLines(text);
    }
    record(path, pos) {
        this.locations.set(path, pos);
    }
    fail(message, line, column) {
        throw new UsageError(`invalid YAML: ${message}`, { file: this.file, line, column });
    }
    splitLines(text) {
        const raw = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
        let sawContent = false;
        raw.forEach((s, idx) => {
            const no = idx + 1;
            const lead = /^[ \t]*/.exec(s)?.[0] ?? "";
            const rest = s.slice(lead.length);
            if (rest === "" || rest.startsWith("#"))
                return;
            const tab = lead.indexOf("\t");
            if (tab >= 0)
                this.fail("tab character in indentation; indent with spaces", no, tab + 1);
            if (lead === "") {
                if (/^---(?:[ \t]|$)/.test(rest)) {
                    if (sawContent)
                        this.fail("several documents (`---`) are not supported; use one document per file", no, 1);
                    if (!/^---[ \t]*(?:#.*)?$/.test(rest))
                        this.fail("content on the `---` line is not supported", no, 4);
                    sawContent = true;
                    return;
                }
                if (/^\.\.\.(?:[ \t]|$)/.test(rest))
                    this.fail("document end marker `...` is not supported", no, 1);
                if (rest.startsWith("%"))
                    this.fail("directives (`%YAML`, `%TAG`) are not supported", no, 1);
            }
            sawContent = true;
            this.lines.push({ no, indent: lead.length, text: rest });
        });
    }
    parseDocument() {
        const first = this.lines[0];
        this.locations.set("", { line: first?.no ?? 1, column: (first?.indent ?? 0) + 1 });
        if (!first)
            return { value: null, locations: this.locations };
        const value = this.parseBlock(first.indent, "");
        const extra = this.lines[this.i];
        if (extra)
            this.badIndent(extra, first.indent);
        return { value, locations: this.locations };
    }
    badIndent(line, expected) {
        if (line.indent <= expected)
            this.fail("unexpected line: it does not continue the structure above", line.no, line.indent + 1);
        this.fail(`bad indentation: ${line.indent} spaces match no enclosing block (expected ${expected} or less; multi-line plain values are not supported)`, line.no, line.indent + 1);
    }
    /** A node that starts on the current line, whose indentation is `indent`. */
    parseBlock(indent, path) {
        const line = this.lines[this.i];
        if (!line)
            return null;
        if (isSeqItem(line.text))
            return this.parseSeq(indent, path);
        if (this.scanKey(line) !== null)
            return this.parseMap(indent, path);
        const cur = new Cursor(this, line);
        const value = cur.value(path, false);
        cur.expectEnd();
        this.i++;
        return value;
    }
    parseMap(indent, path) {
        const obj = {};
        const seen = new Map();
        for (let line = this.lines[this.i]; line && line.indent >= indent; line = this.lines[this.i]) {
            if (line.indent > indent)
                this.badIndent(line, indent);
            if (isSeqItem(line.text))
                this.fail("expected `key: value`, found a sequence item `- `", line.no, line.indent + 1);
            const entry = this.scanKey(line);
            if (!entry)
                this.fail("expected `key: value`", line.no, line.indent + 1);
            const keyPos = { line: line.no, column: line.indent + 1 };
            const first = seen.get(entry.key);
            if (first !== undefined)
                this.fail(`duplicate key "${entry.key}" (first defined on line ${first})`, keyPos.line, keyPos.column);
            seen.set(entry.key, line.no);
            const childPath = joinPath(path, entry.key);
            const cur = new Cursor(this, line, entry.valueStart);
            let value;
            if (cur.atEnd()) {
                this.locations.set(childPath, keyPos); // a scalar on the next line overrides this
                this.i++;
                const next = this.lines[this.i];
                if (next && next.indent > indent)
                    value = this.parseBlock(next.indent, childPath);
                else if (next && next.indent === indent && isSeqItem(next.text))
                    value = this.parseSeq(indent, childPath);
                else
                    value = null;
            }
            else {
                value = cur.value(childPath, false);
                cur.expectEnd();
                this.i++;
            }
            setKey(obj, entry.key, value);
        }
        return obj;
    }
    parseSeq(indent, path) {
        const arr = [];
        for (let line = this.lines[this.i]; line && line.indent >= indent; line = this.lines[this.i]) {
            if (line.indent > indent)
                this.badIndent(line, indent);
            if (!isSeqItem(line.text))
                break; // a sibling key of a mapping that holds this sequence
            const childPath = joinPath(path, arr.length);
            let p = 1;
            while (line.text[p] === " ")
                p++;
            if (line.text[p] === "\t")
                this.fail("tab character in indentation; indent with spaces", line.no, line.indent + p + 1);
            const cur = new Cursor(this, line, p);
            if (cur.atEnd()) {
                this.locations.set(childPath, { line: line.no, column: line.indent + 1 });
                this.i++;
                const next = this.lines[this.i];
                arr.push(next && next.indent > indent ? this.parseBlock(next.indent, childPath) : null);
                continue;
            }
            const inner = { no: line.no, indent: line.indent + p, text: line.text.slice(p) };
            if (isSeqItem(inner.text) || this.scanKey(inner) !== null) {
                // `- key: v` or `- - x`: the rest of the line starts a nested block at this column.
                this.locations.set(childPath, { line: inner.no, column: inner.indent + 1 });
                this.lines[this.i] = inner;
                arr.push(this.parseBlock(inner.indent, childPath));
            }
            else {
                arr.push(cur.value(childPath, false));
                cur.expectEnd();
                this.i++;
            }
        }
        return arr;
    }
    /** If the line is a block mapping entry, its key and where the value starts. */
    scanKey(line) {
        const t = line.text;
        const c = t[0];
        if (c === "[" || c === "{")
            return null;
        if (c === "?" && (t.length === 1 || isSpace(t[1])))
            this.fail("complex keys (`? `) are not supported", line.no, line.indent + 1);
        let end;
        let key;
        if (c === '"' || c === "'") {
            const cur = new Cursor(this, line);
            key = cur.quoted();
            end = cur.pos;
            while (isSpace(t[end]))
                end++;
            if (t[end] !== ":" || !(end + 1 === t.length || isSpace(t[end + 1])))
                return null;
        }
        else {
            end = -1;
            for (let j = 0; j < t.length; j++) {
                if (t[j] === "#" && j > 0 && isSpace(t[j - 1]))
                    return null;
                if (t[j] === ":" && (j + 1 === t.length || isSpace(t[j + 1]))) {
                    end = j;
                    break;
                }
            }
            if (end < 0)
                return null;
            key = t.slice(0, end).trimEnd();
            if (key === "")
                this.fail("empty key", line.no, line.indent + 1);
            checkIndicator(this, key[0], line.no, line.indent + 1);
        }
        return { key, valueStart: end + 1 };
    }
}
function isSeqItem(text) {
    return text === "-" || (text[0] === "-" && isSpace(text[1]));
}
function checkIndicator(p, c, line, column) {
    if (c === "&")
        p.fail("anchors (`&`) are not supported", line, column);
    if (c === "*")
        p.fail("aliases (`*`) are not supported", line, column);
    if (c === "!")
        p.fail("tags (`!`, `!!`) are not supported", line, column);
    if (c === "|" || c === ">")
        p.fail("block scalars (`|`, `>`) are not supported; write the value on one line", line, column);
    if (c !== undefined && "@`%#,]}".includes(c))
        p.fail(`a plain value cannot start with \`${c}\`; quote it`, line, column);
}
/** Reads values from one line, starting at `pos`. */
class Cursor {
    parser;
    line;
    pos;
    constructor(parser, line, pos = 0) {
        this.parser = parser;
        this.line = line;
        this.pos = pos;
    }
    get text() {
        return this.line.text;
    }
    here(pos = this.pos) {
        return { line: this.line.no, column: this.line.indent + pos + 1 };
    }
    fail(message, pos = this.pos) {
        const h = this.here(pos);
        return this.parser.fail(message, h.line, h.column);
    }
    skipSpaces() {
        const start = this.pos;
        while (isSpace(this.text[this.pos]))
            this.pos++;
        return this.pos > start || this.pos === 0;
    }
    /** Only whitespace or a comment is left. */
    atEnd() {
        const spaced = this.skipSpaces() || isSpace(this.text[this.pos - 1]);
        return this.pos >= this.text.length || (this.text[this.pos] === "#" && spaced);
    }
    expectEnd() {
        if (!this.atEnd())
            this.fail(`unexpected \`${this.text[this.pos]}\` after the value`);
    }
    value(path, flow) {
        this.skipSpaces();
        const start = this.pos;
        const c = this.text[start];
        let value;
        if (c === "[")
            value = this.flowSeq(path);
        else if (c === "{")
            value = this.flowMap(path);
        else if (c === '"' || c === "'")
            value = this.quoted();
        else {
            const h = this.here();
            checkIndicator(this.parser, c, h.line, h.column);
            if (c === "-" && (isSpace(this.text[start + 1]) || start + 1 === this.text.length))
                this.fail("a sequence item `- ` is not allowed here");
            if (c === "?" && isSpace(this.text[start + 1]))
                this.fail("complex keys (`? `) are not supported");
            value = resolvePlain(flow ? this.plainFlow() : this.plainBlock());
            if (typeof value === "number" && !Number.isSafeInteger(value) && Number.isInteger(value)) {
                this.fail("integer is too large to be represented exactly; quote it if it is a string", start);
            }
        }
        this.parser.record(path, this.here(start));
        return value;
    }
    plainBlock() {
        const t = this.text;
        let end = this.pos;
        for (let j = this.pos; j < t.length; j++) {
            if (t[j] === "#" && isSpace(t[j - 1]))
                break;
            if (t[j] === ":" && (j + 1 === t.length || isSpace(t[j + 1])))
                this.fail("unexpected `: ` inside a plain value; quote the value", j);
            end = j + 1;
        }
        const s = t.slice(this.pos, end).trimEnd();
        this.pos += s.length;
        return s;
    }
    plainFlow() {
        const t = this.text;
        let j = this.pos;
        for (; j < t.length; j++) {
            const c = t[j];
            if (isFlowIndicator(c))
                break;
            if (c === "#" && isSpace(t[j - 1]))
                break;
            if (c === ":" && (j + 1 === t.length || isSpace(t[j + 1]) || isFlowIndicator(t[j + 1])))
                break;
        }
        const s = t.slice(this.pos, j).trimEnd();
        if (s === "")
            this.fail(`expected a value, found ${j < t.length ? `\`${t[j]}\`` : "the end of the line"}`);
        this.pos += s.length;
        return s;
    }
    flowEnd(close) {
        return this.fail(`unterminated flow collection: expected \`${close}\` (flow collections must fit on one line)`);
    }
    flowSeq(path) {
        const arr = [];
        this.pos++;
        for (;;) {
            if (this.atEnd())
                this.flowEnd("]");
            if (this.text[this.pos] === "]")
                break;
            arr.push(this.value(joinPath(path, arr.length), true));
            if (this.atEnd())
                this.flowEnd("]");
            const c = this.text[this.pos];
            if (c === ",")
                this.pos++;
            else if (c === "]")
                break;
            else if (c === ":")
                this.fail("`key: value` pairs inside a flow sequence are not supported; use `{ key: value }`");
            else
                this.fail(`expected \`,\` or \`]\`, found \`${c}\``);
        }
        this.pos++;
        return arr;
    }
    flowMap(path) {
        const obj = {};
        const seen = new Set();
        this.pos++;
        for (;;) {
            if (this.atEnd())
                this.flowEnd("}");
            if (this.text[this.pos] === "}")
                break;
            const keyAt = this.pos;
            const c = this.text[keyAt];
            let key;
            if (c === '"' || c === "'")
                key = this.quoted();
            else {
                if (c === "[" || c === "{")
                    this.fail("collections as keys are not supported");
                const h = this.here();
                checkIndicator(this.parser, c, h.line, h.column);
                key = this.plainFlow();
            }
            if (seen.has(key))
                this.fail(`duplicate key "${key}"`, keyAt);
            seen.add(key);
            const childPath = joinPath(path, key);
            this.skipSpaces();
            if (this.text[this.pos] !== ":")
                this.fail(`expected \`:\` after key "${key}"`);
            this.pos++;
            this.skipSpaces();
            let value = null;
            const next = this.text[this.pos];
            if (next === "," || next === "}")
                this.parser.record(childPath, this.here(keyAt));
            else
                value = this.value(childPath, true);
            setKey(obj, key, value);
            if (this.atEnd())
                this.flowEnd("}");
            const d = this.text[this.pos];
            if (d === ",")
                this.pos++;
            else if (d === "}")
                break;
            else
                this.fail(`expected \`,\` or \`}\`, found \`${d}\``);
        }
        this.pos++;
        return obj;
    }
    /** A single- or double-quoted scalar starting at `pos`; always a string. */
    quoted() {
        const t = this.text;
        const q = t[this.pos];
        const start = this.pos;
        let out = "";
        let j = this.pos + 1;
        for (;;) {
            if (j >= t.length)
                this.fail(`unterminated ${q === '"' ? "double" : "single"}-quoted string (multi-line strings are not supported)`, start);
            const c = t[j];
            if (q === "'") {
                if (c === "'") {
                    if (t[j + 1] === "'") {
                        out += "'";
                        j += 2;
                        continue;
                    }
                    break;
                }
                out += c;
                j++;
                continue;
            }
            if (c === '"')
                break;
            if (c !== "\\") {
                out += c;
                j++;
                continue;
            }
            const [decoded, width] = this.escape(j);
            out += decoded;
            j += width;
        }
        this.pos = j + 1;
        return out;
    }
    escape(at) {
        const e = this.text[at + 1];
        const simple = {
            "0": "\0",
            a: "\x07",
            b: "\b",
            t: "\t",
            "\t": "\t",
            n: "\n",
            v: "\v",
            f: "\f",
            r: "\r",
            e: "\x1b",
            " ": " ",
            '"': '"',
            "/": "/",
            "\\": "\\",
            N: "\x85",
            _: "\xa0",
            L: "\u2028",
            P: "\u2029",
        };
        if (e !== undefined && Object.hasOwn(simple, e))
            return [simple[e], 2];
        const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
        if (hexLen > 0) {
            const hex = this.text.slice(at + 2, at + 2 + hexLen);
            const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLen ? parseInt(hex, 16) : NaN;
            if (Number.isNaN(cp) || cp > 0x10ffff)
                this.fail(`invalid escape \`\\${e}${hex}\``, at);
            return [String.fromCodePoint(cp), 2 + hexLen];
        }
        return this.fail(`unknown escape \`\\${e ?? ""}\` in double-quoted string`, at);
    }
}

;// CONCATENATED MODULE: ./src/config/load.ts
/**
 * Load configs/kimigayo.yml: YAML subset -> zod validation -> resolved Config.
 * Every problem becomes one line of a single UsageError, positioned by the YAML locations.
 */





/** A UsageError (exit 2) that also carries every problem, e.g. for one annotation each. */
class ConfigError extends UsageError {
    file;
    problems;
    constructor(file, problems) {
        const first = problems[0];
        super(problems.map((p) => `${p.field || "(top level)"} (line ${p.line}): ${p.message}`).join("\n"), first ? { file, field: first.field, line: first.line, column: first.column } : { file });
        this.file = file;
        this.problems = problems;
    }
}
async function loadConfig(file) {
    let text;
    try {
        text = await (0,promises_namespaceObject.readFile)(file, "utf8");
    }
    catch (err) {
        const code = err.code;
        const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(err)})`;
        throw new UsageError(`config file ${(0,external_node_path_namespaceObject.resolve)(file)} ${why}`, { file });
    }
    return parseConfig(text, file);
}
function parseConfig(text, file) {
    const { value, locations } = parseYaml(text, file);
    const dir = (0,external_node_path_namespaceObject.dirname)((0,external_node_path_namespaceObject.resolve)(file));
    const locate = (field) => {
        for (let f = field;; f = f.includes(".") ? f.slice(0, f.lastIndexOf(".")) : "") {
            const pos = locations.get(f);
            if (pos)
                return pos;
            if (f === "")
                return { line: 1, column: 1 };
        }
    };
    const problem = (field, message) => ({ field, message, ...locate(field) });
    const result = configSchema(dir).safeParse(value);
    const problems = [
        ...(result.success ? [] : result.error.issues.flatMap((iss) => issueProblems(iss, value).map((p) => problem(p.field, p.message)))),
        ...crossChecks(value).map((p) => problem(p.field, p.message)),
    ];
    if (problems.length > 0 || !result.success) {
        problems.sort((a, b) => a.line - b.line || a.column - b.column);
        throw new ConfigError(file, problems);
    }
    return resolveConfig(result.data, (0,external_node_path_namespaceObject.resolve)(file), dir, Object.fromEntries(locations));
}
const EXPECTED = {
    string: "a string",
    number: "a number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
};
function valueAt(root, path) {
    let v = root;
    for (const k of path) {
        if (v === null || typeof v !== "object" || !Object.hasOwn(v, k))
            return undefined;
        v = v[k];
    }
    return v;
}
/** One zod issue -> one or more (field, message) pairs. */
function issueProblems(iss, raw) {
    const field = iss.path.map(String).reduce(joinPath, "");
    switch (iss.code) {
        case "invalid_type": {
            const v = valueAt(raw, iss.path);
            const expected = EXPECTED[iss.expected] ?? iss.expected;
            if (v === undefined)
                return [{ field, message: `required field is missing; expected ${expected}` }];
            const got = v === null ? "an empty value" : typeof v === "number" || typeof v === "boolean" ? `${typeof v} ${show(v)}` : show(v);
            const hint = iss.expected === "string" && (typeof v === "number" || typeof v === "boolean") ? "; quote the value to make it a string" : "";
            return [{ field, message: `expected ${expected}, got ${got}${hint}` }];
        }
        case "unrecognized_keys":
            return iss.keys.map((k) => ({ field: joinPath(field, k), message: `unknown key "${k}"; ${iss.message}` }));
        case "invalid_key":
            return [{ field, message: iss.issues[0]?.message ?? iss.message }];
        default:
            return [{ field, message: iss.message }];
    }
}
const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
/** Checks across fields, run on the raw YAML so they are reported along with schema errors. */
function crossChecks(raw) {
    if (!isMap(raw))
        return [];
    const out = [];
    /** Each repeated value of `list[i]` (or `list[i].key`) is a problem at its second occurrence. */
    const duplicates = (list, field, what, key) => {
        if (!Array.isArray(list))
            return;
        const seen = new Map();
        list.forEach((item, i) => {
            const v = key === undefined ? item : isMap(item) ? item[key] : undefined;
            if (typeof v !== "string")
                return;
            const at = key === undefined ? joinPath(field, i) : joinPath(joinPath(field, i), key);
            const first = seen.get(v);
            if (first === undefined)
                seen.set(v, at);
            else
                out.push({ field: at, message: `${what} ${show(v)} is listed twice (first at ${first})` });
        });
    };
    duplicates(raw.platforms, "platforms", "platform");
    duplicates(raw.files, "files", "image path", "path");
    if (isMap(raw.variants)) {
        const names = Object.keys(raw.variants);
        const flags = names.map((n) => (isMap(raw.variants) && isMap(raw.variants[n]) ? raw.variants[n].default : undefined));
        const defaults = names.filter((_, i) => flags[i] === true);
        const malformed = flags.some((f) => f !== undefined && typeof f !== "boolean"); // reported by the schema
        if (names.length > 0 && defaults.length === 0 && !malformed) {
            out.push({ field: "variants", message: `no variant has default: true; mark exactly one of: ${names.join(", ")}` });
        }
        else if (defaults.length > 1) {
            out.push({
                field: `variants.${defaults[1]}.default`,
                message: `${defaults.length} variants have default: true (${defaults.join(", ")}); exactly one may be the default`,
            });
        }
    }
    return out;
}
function resolveConfig(raw, file, dir, locations) {
    const urls = raw.busybox.urls;
    const signature = raw.busybox.signature;
    const budget = (b) => {
        const out = {};
        if (b?.size !== undefined)
            out.size = b.size;
        if (b?.compressed !== undefined)
            out.compressed = b.compressed;
        if (b?.growth !== undefined)
            out.growth = b.growth;
        return out;
    };
    const variants = Object.entries(raw.variants).map(([name, v]) => {
        const platforms = {};
        for (const p of PLATFORMS) {
            const o = v.budget?.platforms?.[p];
            if (o)
                platforms[p] = budget(o);
        }
        return {
            name,
            description: v.description ?? "",
            busyboxConfig: v.busybox,
            services: v.services,
            default: v.default === true,
            budget: { ...budget(v.budget), platforms },
        };
    });
    return {
        file,
        dir,
        version: raw.version,
        sourceDateEpoch: raw.source_date_epoch ?? DEFAULT_SOURCE_DATE_EPOCH,
        busybox: {
            version: raw.busybox.version,
            sha256: raw.busybox.sha256,
            urls,
            ...(signature ? { signature: { key: signature.key, urls: signature.urls ?? urls.map((u) => `${u}.asc`) } } : {}),
            patches: raw.busybox.patches ?? [],
        },
        platforms: raw.platforms,
        image: raw.image ?? DEFAULT_IMAGE,
        files: (raw.files ?? []).map((f) => ({ path: f.path, src: f.src, mode: f.mode ?? DEFAULT_FILE_MODE })),
        variants,
        locations,
    };
}
function splitSpec(spec, what) {
    const names = spec
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
    if (names.length === 0)
        throw new UsageError(`no ${what} selected: ${JSON.stringify(spec)}`);
    return names;
}
/** `undefined`, "" or "all" -> every variant; otherwise a comma list. Returned in config order. */
function selectVariants(config, spec) {
    if (spec === undefined || spec.trim() === "" || spec.trim() === "all")
        return config.variants;
    const wanted = splitSpec(spec, "variants");
    if (wanted.includes("all"))
        return config.variants;
    const known = config.variants.map((v) => v.name);
    const unknown = wanted.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
        throw new UsageError(`unknown variant${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => JSON.stringify(n)).join(", ")}; known variants: ${known.join(", ")} (or all)`);
    }
    return config.variants.filter((v) => wanted.includes(v.name));
}
/** Like selectVariants for platforms; `amd64` is accepted for `linux/amd64`. Only platforms in the config are allowed. */
function selectPlatforms(config, spec) {
    if (spec === undefined || spec.trim() === "" || spec.trim() === "all")
        return config.platforms;
    const given = splitSpec(spec, "platforms");
    if (given.includes("all"))
        return config.platforms;
    const full = (p) => (p.includes("/") ? p : `linux/${p}`);
    const unknown = given.filter((p) => !config.platforms.includes(full(p)));
    if (unknown.length > 0) {
        const notInConfig = unknown.map(full).filter((p) => PLATFORMS.includes(p));
        const extra = notInConfig.length > 0 ? `; ${notInConfig.join(", ")} must first be added to platforms in the config` : "";
        throw new UsageError(`unknown platform${unknown.length > 1 ? "s" : ""} ${unknown.map((p) => JSON.stringify(p)).join(", ")}; allowed: ${config.platforms.join(", ")} (or all)${extra}`);
    }
    const wanted = given.map(full);
    return config.platforms.filter((p) => wanted.includes(p));
}

;// CONCATENATED MODULE: ./src/lib/log.ts
const silentLogger = {
    info() { },
    warn() { },
    error() { },
    debug() { },
    step() {
        return () => { };
    },
    progress() { },
};
/** A logger that writes human lines to a stream (stderr for the CLI). */
function streamLogger(out, opts = {}) {
    const tty = out.isTTY === true;
    let lastProgress = 0;
    // A location prefix, unless the message already starts with it (formatError puts it there).
    const at = (m, w) => w?.file && !m.startsWith(w.file) ? `${w.file}${w.line ? `:${w.line}` : ""}: ` : "";
    return {
        info: (m) => out.write(`${m}\n`),
        warn: (m, w) => out.write(`warning: ${at(m, w)}${m}\n`),
        error: (m, w) => out.write(`error: ${at(m, w)}${m}\n`),
        debug: (m) => {
            if (opts.verbose)
                out.write(`debug: ${m}\n`);
        },
        step: (title) => {
            const start = Date.now();
            out.write(`▶ ${title}\n`);
            return () => out.write(`✔ ${title} (${((Date.now() - start) / 1000).toFixed(1)} s)\n`);
        },
        progress: (label, done, total) => {
            const now = Date.now();
            const finished = total !== undefined && done >= total;
            // Throttle: at most one line every 2 s unless on a TTY (where we redraw in place).
            if (!tty && !finished && now - lastProgress < 2000)
                return;
            lastProgress = now;
            const text = total ? `${label}: ${done}/${total} (${Math.floor((done / total) * 100)}%)` : `${label}: ${done}`;
            out.write(tty ? `\r${text}${finished ? "\n" : ""}` : `${text}\n`);
        },
    };
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/lib/concurrency.ts
/** Maps with at most `limit` calls in flight; results keep the input order. The first error wins. */
async function mapLimit(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    let failed;
    const worker = async () => {
        while (!failed && next < items.length) {
            const i = next++;
            try {
                results[i] = await fn(items[i], i);
            }
            catch (err) {
                failed ??= { err };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (failed)
        throw failed.err;
    return results;
}

;// CONCATENATED MODULE: ./src/lib/cache.ts



/** Where content-addressed entries live: KIMIGAYO_CACHE, else $XDG_CACHE_HOME/kimigayo, else ~/.cache/kimigayo. */
function cacheRoot() {
    if (process.env.KIMIGAYO_CACHE)
        return process.env.KIMIGAYO_CACHE;
    const xdg = process.env.XDG_CACHE_HOME;
    return (0,external_node_path_namespaceObject.join)(xdg && xdg.length > 0 ? xdg : (0,external_node_path_namespaceObject.join)((0,external_node_os_namespaceObject.homedir)(), ".cache"), "kimigayo");
}
const TMP_PREFIX = ".tmp-";
function pidAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (e) {
        return e.code === "EPERM";
    }
}
/**
 * A content-addressed entry: `dir/key` exists only when complete. It is produced in a temporary
 * sibling and renamed into place, so a failed or interrupted producer never leaves an entry behind.
 * Temporaries of dead processes are swept on the next call.
 */
async function cachedEntry(dir, key, produce) {
    const final = (0,external_node_path_namespaceObject.join)(dir, key);
    if (await exists(final))
        return { path: final, hit: true };
    await (0,promises_namespaceObject.mkdir)(dir, { recursive: true });
    await sweepStale(dir);
    const tmp = (0,external_node_path_namespaceObject.join)(dir, `${TMP_PREFIX}${key}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    await (0,promises_namespaceObject.mkdir)(tmp, { recursive: true });
    try {
        await produce(tmp);
        try {
            await (0,promises_namespaceObject.rename)(tmp, final);
        }
        catch (e) {
            // Another process finished the same entry first: theirs is as good as ours.
            if (!(await exists(final)))
                throw e;
            await (0,promises_namespaceObject.rm)(tmp, { recursive: true, force: true });
        }
    }
    catch (e) {
        await (0,promises_namespaceObject.rm)(tmp, { recursive: true, force: true });
        throw e;
    }
    return { path: final, hit: false };
}
async function sweepStale(dir) {
    for (const name of await (0,promises_namespaceObject.readdir)(dir)) {
        if (!name.startsWith(TMP_PREFIX))
            continue;
        const pid = Number(/-(\d+)-[a-z0-9]+$/.exec(name)?.[1]);
        if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) {
            await (0,promises_namespaceObject.rm)((0,external_node_path_namespaceObject.join)(dir, name), { recursive: true, force: true });
        }
    }
}
async function exists(path) {
    try {
        await (0,promises_namespaceObject.stat)(path);
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/lib/elf.ts
/**
 * A small, defensive ELF reader: just enough to tell whether a built binary is
 * static and for the right platform.
 *
 * Every offset, size, count and string is checked against the buffer before it
 * is read, and all arithmetic on file-supplied values is done in BigInt, so a
 * hostile file can only ever produce an ElfError: never a RangeError, a hang,
 * or an allocation larger than the input.
 *
 * Extra strictness (deliberate, because this is a verifier): the program headers
 * that matter for loading (PT_LOAD, PT_INTERP, PT_DYNAMIC) and the section header
 * table must lie entirely inside the file, so a truncated binary is an error
 * rather than "looks fine".
 */

/** The input is not a well-formed ELF file. The message says what and where. */
class ElfError extends Error {
    name = "ElfError";
}
/** At most this many program headers / section headers (they must also fit in the file). */
const MAX_TABLE_ENTRIES = 65535;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_SYMTAB = 2;
const SHT_DYNAMIC = 6;
const SHT_NOBITS = 8;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;
const PN_XNUM = 0xffff;
const MACHINE_NAMES = {
    2: "SPARC",
    3: "Intel 80386",
    8: "MIPS",
    20: "PowerPC",
    21: "PowerPC64",
    22: "IBM S/390",
    40: "ARM",
    43: "SPARC V9",
    62: "x86-64",
    183: "AArch64",
    243: "RISC-V",
    258: "LoongArch",
};
const TYPES = ["UNKNOWN", "REL", "EXEC", "DYN", "CORE"];
function elf_hex(v) {
    return `0x${v.toString(16)}`;
}
function machineName(machine) {
    return MACHINE_NAMES[machine] ?? `unknown (${elf_hex(machine)})`;
}
class Reader {
    buf;
    is64;
    le;
    view;
    size;
    constructor(buf, is64, le) {
        this.buf = buf;
        this.is64 = is64;
        this.le = le;
        this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        this.size = BigInt(buf.length);
    }
    /** Checks that [offset, offset + length) is inside the file and returns it as numbers. */
    range(offset, length, what) {
        if (offset < 0n || length < 0n || offset + length > this.size) {
            throw new ElfError(`${what} (offset ${elf_hex(offset)}, size ${elf_hex(length)}) extends past the end of the ${this.buf.length}-byte file`);
        }
        return { start: Number(offset), end: Number(offset + length) };
    }
    at(offset, width) {
        this.range(BigInt(offset), BigInt(width), `${width}-byte field`);
        return offset;
    }
    u8(offset) {
        return this.view.getUint8(this.at(offset, 1));
    }
    u16(offset) {
        return this.view.getUint16(this.at(offset, 2), this.le);
    }
    u32(offset) {
        return this.view.getUint32(this.at(offset, 4), this.le);
    }
    u64(offset) {
        return this.view.getBigUint64(this.at(offset, 8), this.le);
    }
    /** An address/offset/size-sized field: 4 bytes in ELF32, 8 in ELF64. */
    word(offset) {
        return this.is64 ? this.u64(offset) : BigInt(this.u32(offset));
    }
    /** A NUL-terminated string that must end inside `within`. */
    cstring(start, within, what) {
        if (start < within.start || start >= within.end) {
            throw new ElfError(`${what} starts at ${elf_hex(start)}, outside its table ${elf_hex(within.start)}..${elf_hex(within.end)}`);
        }
        const nul = this.buf.subarray(start, within.end).indexOf(0);
        if (nul < 0)
            throw new ElfError(`${what} at ${elf_hex(start)} is not NUL-terminated`);
        return new TextDecoder().decode(this.buf.subarray(start, start + nul));
    }
}
function openReader(buf) {
    if (buf.length < 16)
        throw new ElfError(`file is ${buf.length} bytes, too short for an ELF identification`);
    if (buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) {
        throw new ElfError("not an ELF file (bad magic)");
    }
    const cls = buf[4];
    const data = buf[5];
    if (cls !== 1 && cls !== 2)
        throw new ElfError(`bad ELF class byte ${String(cls)} (expected 1 or 2)`);
    if (data !== 1 && data !== 2)
        throw new ElfError(`bad ELF data (byte order) byte ${String(data)} (expected 1 or 2)`);
    const r = new Reader(buf, cls === 2, data === 1);
    const ehsize = r.is64 ? 64 : 52;
    if (buf.length < ehsize)
        throw new ElfError(`file is ${buf.length} bytes, too short for a ${ehsize}-byte ELF header`);
    return r;
}
function readFileHeader(r) {
    const o = r.is64 ? { ph: 32, sh: 40, sizes: 54 } : { ph: 28, sh: 32, sizes: 42 };
    return {
        type: r.u16(16),
        machine: r.u16(18),
        entry: r.word(24),
        phoff: r.word(o.ph),
        shoff: r.word(o.sh),
        phentsize: r.u16(o.sizes),
        phnum: r.u16(o.sizes + 2),
        shentsize: r.u16(o.sizes + 4),
        shnum: r.u16(o.sizes + 6),
    };
}
/** Entry offsets of a table, after checking entry size, count and bounds. */
function tableOffsets(r, offset, entsize, count, minEntsize, what) {
    if (count === 0n)
        return [];
    if (entsize < minEntsize)
        throw new ElfError(`${what} entry size ${entsize} is smaller than ${minEntsize}`);
    if (count > BigInt(MAX_TABLE_ENTRIES))
        throw new ElfError(`${what} has ${count} entries (at most ${MAX_TABLE_ENTRIES})`);
    const table = r.range(offset, BigInt(entsize) * count, `${what} (${count} x ${entsize} bytes)`);
    return Array.from({ length: Number(count) }, (_, i) => table.start + i * entsize);
}
function sectionHeaderSize(r) {
    return r.is64 ? 64 : 40;
}
function readSectionHeader(r, at) {
    return r.is64
        ? { type: r.u32(at + 4), offset: r.u64(at + 24), size: r.u64(at + 32), link: r.u32(at + 40), info: r.u32(at + 44) }
        : { type: r.u32(at + 4), offset: BigInt(r.u32(at + 16)), size: BigInt(r.u32(at + 20)), link: r.u32(at + 24), info: r.u32(at + 28) };
}
/**
 * Section header 0, which holds the real counts when they do not fit in the
 * ELF header (extended numbering: e_shnum == 0, e_phnum == PN_XNUM).
 */
function readSectionZero(r, h) {
    if (h.shoff === 0n)
        return undefined;
    const [at] = tableOffsets(r, h.shoff, h.shentsize, 1n, sectionHeaderSize(r), "section header 0");
    return at === undefined ? undefined : readSectionHeader(r, at);
}
function counts(r, h) {
    const needZero = h.phnum === PN_XNUM || (h.shnum === 0 && h.shoff !== 0n);
    const zero = needZero ? readSectionZero(r, h) : undefined;
    let phnum = BigInt(h.phnum);
    if (h.phnum === PN_XNUM) {
        if (!zero)
            throw new ElfError("e_phnum is PN_XNUM (0xffff) but there is no section header 0 holding the real count");
        phnum = BigInt(zero.info);
    }
    const shnum = h.shoff === 0n ? 0n : h.shnum === 0 ? (zero?.size ?? 0n) : BigInt(h.shnum);
    return { phnum, shnum };
}
function readProgramHeaders(r, h, phnum) {
    const offsets = tableOffsets(r, h.phoff, h.phentsize, phnum, r.is64 ? 56 : 32, "program header table");
    return offsets.map((at, index) => r.is64
        ? { index, type: r.u32(at), offset: r.u64(at + 8), vaddr: r.u64(at + 16), filesz: r.u64(at + 32) }
        : { index, type: r.u32(at), offset: BigInt(r.u32(at + 4)), vaddr: BigInt(r.u32(at + 8)), filesz: BigInt(r.u32(at + 16)) });
}
function readSectionHeaders(r, h, shnum) {
    const offsets = tableOffsets(r, h.shoff, h.shentsize, shnum, sectionHeaderSize(r), "section header table");
    return offsets.map((at) => readSectionHeader(r, at));
}
function segmentRange(r, ph, what) {
    return r.range(ph.offset, ph.filesz, `${what} segment (program header ${ph.index})`);
}
/** PT_LOAD, PT_INTERP and PT_DYNAMIC must be inside the file; a truncated binary fails here. */
function checkSegmentsInFile(r, phdrs) {
    const names = { [PT_LOAD]: "PT_LOAD", [PT_INTERP]: "PT_INTERP", [PT_DYNAMIC]: "PT_DYNAMIC" };
    for (const ph of phdrs) {
        const name = names[ph.type];
        if (name)
            segmentRange(r, ph, name);
    }
}
// ---------------------------------------------------------------------------
// PT_INTERP and the dynamic section
// ---------------------------------------------------------------------------
function readInterpreter(r, phdrs) {
    const ph = phdrs.find((p) => p.type === PT_INTERP);
    if (!ph)
        return undefined;
    const range = segmentRange(r, ph, "PT_INTERP");
    if (range.end === range.start)
        throw new ElfError(`PT_INTERP segment (program header ${ph.index}) is empty`);
    return r.cstring(range.start, range, "PT_INTERP path");
}
/** Reads d_tag/d_val pairs up to DT_NULL or the end of the segment, whichever comes first. */
function readDynamic(r, ph) {
    const range = segmentRange(r, ph, "PT_DYNAMIC");
    const entsize = r.is64 ? 16 : 8;
    const info = { neededOffsets: [] };
    for (let at = range.start; at + entsize <= range.end; at += entsize) {
        const tag = r.word(at);
        const val = r.word(at + entsize / 2);
        if (tag === DT_NULL)
            break;
        if (tag === DT_NEEDED)
            info.neededOffsets.push(val);
        else if (tag === DT_STRTAB)
            info.strtab = val;
        else if (tag === DT_STRSZ)
            info.strsz = val;
    }
    return info;
}
/** Maps a virtual address to the file bytes behind it, through the PT_LOAD segment containing it. */
function mapAddress(r, phdrs, addr, what) {
    for (const ph of phdrs) {
        if (ph.type !== PT_LOAD || addr < ph.vaddr || addr >= ph.vaddr + ph.filesz)
            continue;
        const seg = segmentRange(r, ph, "PT_LOAD");
        return { start: seg.start + Number(addr - ph.vaddr), end: seg.end };
    }
    throw new ElfError(`${what} address ${elf_hex(addr)} is not inside the file part of any PT_LOAD segment`);
}
/** The dynamic string table: DT_STRTAB mapped through PT_LOAD, else the section linked from SHT_DYNAMIC. */
function dynamicStringTable(r, phdrs, shdrs, dyn) {
    if (dyn.strtab !== undefined) {
        const mapped = mapAddress(r, phdrs, dyn.strtab, "DT_STRTAB");
        if (dyn.strsz === undefined)
            return mapped;
        if (BigInt(mapped.start) + dyn.strsz > BigInt(mapped.end)) {
            throw new ElfError(`DT_STRSZ ${elf_hex(dyn.strsz)} extends past the end of the PT_LOAD segment holding DT_STRTAB`);
        }
        return { start: mapped.start, end: mapped.start + Number(dyn.strsz) };
    }
    const dynsec = shdrs.find((s) => s.type === SHT_DYNAMIC);
    const strsec = dynsec ? shdrs[dynsec.link] : undefined;
    if (!strsec || strsec.type === SHT_NOBITS) {
        throw new ElfError("DT_NEEDED entries present but no DT_STRTAB and no .dynstr section to resolve them");
    }
    return r.range(strsec.offset, strsec.size, ".dynstr section");
}
function readNeeded(r, phdrs, shdrs, dyn) {
    if (dyn.neededOffsets.length === 0)
        return [];
    const strtab = dynamicStringTable(r, phdrs, shdrs, dyn);
    return dyn.neededOffsets.map((off) => {
        if (off >= BigInt(strtab.end - strtab.start)) {
            throw new ElfError(`DT_NEEDED string offset ${elf_hex(off)} is past the end of the dynamic string table`);
        }
        return r.cstring(strtab.start + Number(off), strtab, "DT_NEEDED name");
    });
}
// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------
function readElf(buf) {
    const r = openReader(buf);
    const h = readFileHeader(r);
    const { phnum, shnum } = counts(r, h);
    const phdrs = readProgramHeaders(r, h, phnum);
    const shdrs = readSectionHeaders(r, h, shnum);
    checkSegmentsInFile(r, phdrs);
    const interpreter = readInterpreter(r, phdrs);
    const dynPh = phdrs.find((p) => p.type === PT_DYNAMIC);
    const needed = dynPh ? readNeeded(r, phdrs, shdrs, readDynamic(r, dynPh)) : [];
    const info = {
        bits: r.is64 ? 64 : 32,
        endian: r.le ? "little" : "big",
        machine: h.machine,
        machineName: machineName(h.machine),
        type: TYPES[h.type] ?? "UNKNOWN",
        entry: h.entry,
        needed,
        hasDynamic: dynPh !== undefined,
        isStatic: interpreter === undefined && needed.length === 0,
        stripped: !shdrs.some((s) => s.type === SHT_SYMTAB),
    };
    if (interpreter !== undefined)
        info.interpreter = interpreter;
    return info;
}
/** Reads the whole file (fs errors propagate as they are) and parses it. */
async function readElfFile(path) {
    const buf = await (0,promises_namespaceObject.readFile)(path);
    try {
        return readElf(buf);
    }
    catch (err) {
        if (err instanceof ElfError)
            throw new ElfError(`${path}: ${err.message}`);
        throw err;
    }
}
const elf_EXPECTED = {
    "linux/amd64": { bits: 64, endian: "little", machine: 62, machineName: "x86-64" },
    "linux/arm64": { bits: 64, endian: "little", machine: 183, machineName: "AArch64" },
};
function expectedFor(platform) {
    const e = elf_EXPECTED[platform];
    if (!e)
        throw new Error(`unsupported platform ${JSON.stringify(platform)} (expected linux/amd64 or linux/arm64)`);
    return { ...e };
}
/** Human-readable problems with a binary meant to run as a static executable on `platform`; empty means ok. */
function checkBinary(info, platform) {
    const want = expectedFor(platform);
    const problems = [];
    if (info.bits !== want.bits)
        problems.push(`ELF class is ${info.bits}-bit, expected ${want.bits}-bit`);
    if (info.endian !== want.endian)
        problems.push(`byte order is ${info.endian}-endian, expected ${want.endian}-endian`);
    if (info.machine !== want.machine)
        problems.push(`machine is ${info.machineName}, expected ${want.machineName}`);
    if (info.type !== "EXEC" && info.type !== "DYN")
        problems.push(`ELF type is ${info.type}, expected EXEC or DYN`);
    if (info.interpreter !== undefined)
        problems.push(`dynamically linked: interpreter ${info.interpreter}`);
    if (info.needed.length > 0)
        problems.push(`dynamically linked: needs ${info.needed.join(", ")}`);
    if (info.entry === 0n && (info.type === "EXEC" || info.type === "DYN"))
        problems.push("entry point is 0");
    return problems;
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./src/lib/exec.ts


/** Runs a program without a shell and collects its output. Never throws on a non-zero exit. */
function run(cmd, args, opts = {}) {
    return new Promise((resolve, reject) => {
        const spawnOpts = { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] };
        if (opts.signal)
            spawnOpts.signal = opts.signal;
        const child = (0,external_node_child_process_namespaceObject.spawn)(cmd, args, spawnOpts);
        const out = [];
        const err = [];
        let timer;
        if (opts.timeoutMs)
            timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
        child.stdout?.on("data", (b) => {
            out.push(b);
            opts.onOutput?.(b.toString());
        });
        child.stderr?.on("data", (b) => {
            err.push(b);
            opts.onOutput?.(b.toString());
        });
        child.on("error", (e) => {
            if (timer)
                clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code, sig) => {
            if (timer)
                clearTimeout(timer);
            resolve({
                code: code ?? (sig ? 128 : 1),
                stdout: Buffer.concat(out).toString(),
                stderr: Buffer.concat(err).toString(),
            });
        });
        if (opts.input !== undefined)
            child.stdin?.end(opts.input);
        else
            child.stdin?.end();
    });
}
/** Like run, but throws with the command line and its stderr tail when it fails. */
async function runChecked(cmd, args, opts = {}) {
    const r = await run(cmd, args, opts);
    if (r.code !== 0) {
        const tail = (r.stderr || r.stdout).trim().split("\n").slice(-15).join("\n");
        throw new Error(`${cmd} ${args.join(" ")} exited with ${r.code}${tail ? `:\n${tail}` : ""}`);
    }
    return r;
}
/** True when `cmd` is found on PATH (or is an existing absolute path). */
async function which(cmd) {
    const r = await run("sh", ["-c", 'command -v -- "$1"', "sh", cmd]).catch(() => undefined);
    const p = r?.stdout.trim();
    return r && r.code === 0 && p ? p : undefined;
}
/**
 * Starts a daemon in its own session with stdout and stderr appended to `logFile`. It outlives
 * this process (nothing keeps the event loop waiting for it). Rejects when it cannot be spawned.
 */
function spawnDetached(cmd, args, opts) {
    return new Promise((resolve, reject) => {
        const fd = (0,external_node_fs_namespaceObject.openSync)(opts.logFile, "a");
        let status;
        const child = (0,external_node_child_process_namespaceObject.spawn)(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ["ignore", fd, fd] });
        (0,external_node_fs_namespaceObject.closeSync)(fd);
        child.on("exit", (code, signal) => (status = { code, signal }));
        child.on("error", reject);
        child.on("spawn", () => {
            child.unref();
            resolve({ pid: child.pid ?? -1, exitStatus: () => status });
        });
    });
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/lib/hash.ts


function sha256(data) {
    return (0,external_node_crypto_namespaceObject.createHash)("sha256").update(data).digest("hex");
}
function sha256File(path) {
    return new Promise((resolve, reject) => {
        const h = (0,external_node_crypto_namespaceObject.createHash)("sha256");
        (0,external_node_fs_namespaceObject.createReadStream)(path)
            .on("data", (b) => h.update(b))
            .on("error", reject)
            .on("end", () => resolve(h.digest("hex")));
    });
}

;// CONCATENATED MODULE: ./src/stages/busybox.ts
/**
 * busybox stage: verified tarball + variant fragment + platform -> a static, stripped BusyBox
 * and its facts. allnoconfig + the fragment + CONFIG_STATIC=y, cross-compiled on the host
 * against musl (QEMU never compiles). Results live in a content-addressed cache whose key is
 * source sha256 + patches + fragment + toolchain identity + platform + this recipe's version.
 */








/** Bump when the way a binary is made changes, so old cache entries are not reused. */
const RECIPE_VERSION = "1";
/** Symbols the build owns; a fragment may not set them. */
const BUILD_OWNED = [
    "CONFIG_STATIC",
    "CONFIG_EXTRA_CFLAGS",
    "CONFIG_EXTRA_LDFLAGS",
    "CONFIG_CROSS_COMPILER_PREFIX",
    "CONFIG_SYSROOT",
    "CONFIG_PREFIX",
];
/**
 * Size flags on top of BusyBox's own -Os: Debian's gcc turns on the stack protector and (on amd64)
 * CET landing pads by default, which a static init system pays for in every function; the
 * linker pads separate code segments to page boundaries (-z noseparate-code saves ~14 KB).
 */
const COMMON_CFLAGS = ["-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-U_FORTIFY_SOURCE"];
const COMMON_LDFLAGS = ["-Wl,-z,noseparate-code", "-Wl,--build-id=none", "-Wl,-z,norelro"];
const TOOLCHAINS = {
    "linux/amd64": {
        cc: "musl-gcc",
        crossCompile: "",
        cflags: [...COMMON_CFLAGS, "-fcf-protection=none"],
        headers: () => ({
            linux: "/usr/include/linux",
            "asm-generic": "/usr/include/asm-generic",
            mtd: "/usr/include/mtd",
            scsi: "/usr/include/scsi",
            asm: "/usr/include/x86_64-linux-gnu/asm",
        }),
        packages: "musl-tools linux-libc-dev",
    },
    "linux/arm64": {
        cc: "aarch64-linux-musl-gcc",
        crossCompile: "aarch64-linux-gnu-",
        cflags: [...COMMON_CFLAGS, "-mbranch-protection=none"],
        headers: () => Object.fromEntries(["linux", "asm", "asm-generic", "mtd", "scsi"].map((d) => [d, `/usr/aarch64-linux-gnu/include/${d}`])),
        packages: "gcc-aarch64-linux-gnu musl-dev:arm64 libc6-dev-arm64-cross (after dpkg --add-architecture arm64)",
    },
};
const toolchainCache = new Map();
/** Finds the platform's cross toolchain and fingerprints it (compiler version + musl libc.a). */
function detectToolchain(platform) {
    let p = toolchainCache.get(platform);
    if (!p) {
        p = probeToolchain(platform);
        toolchainCache.set(platform, p);
        p.catch(() => toolchainCache.delete(platform));
    }
    return p;
}
async function probeToolchain(platform) {
    const t = TOOLCHAINS[platform];
    const missing = [];
    for (const tool of [t.cc, `${t.crossCompile}strip`, "make", "bzip2"])
        if (!(await which(tool)))
            missing.push(tool);
    const headerLinks = t.headers("");
    for (const [name, target] of Object.entries(headerLinks))
        if (!(await exists(target)))
            missing.push(`${target} (kernel headers: ${name}/)`);
    if (missing.length > 0) {
        throw new UsageError(`the ${platform} toolchain is incomplete: missing ${missing.join(", ")}.\n` +
            `Install it with \`kimigayo doctor --fix\` (Debian packages: ${t.packages}).`);
    }
    const version = (await runChecked(t.cc, ["--version"])).stdout.split("\n")[0] ?? "";
    const libc = (await runChecked(t.cc, ["-print-file-name=libc.a"])).stdout.trim();
    const libcHash = (await exists(libc)) ? await sha256File(libc) : "unknown";
    const makeVersion = (await runChecked("make", ["--version"])).stdout.split("\n")[0] ?? "";
    const identity = sha256(JSON.stringify({ platform, cc: t.cc, cflags: t.cflags, ldflags: COMMON_LDFLAGS, version, libcHash, makeVersion })).slice(0, 16);
    return { platform, cc: t.cc, crossCompile: t.crossCompile, cflags: t.cflags, headerLinks, identity };
}
/** Parses a fragment: `CONFIG_X=value`, `# CONFIG_X is not set`, comments and blank lines. */
function parseFragment(text, file) {
    const out = [];
    const seen = new Map();
    const errors = [];
    text.split("\n").forEach((raw, i) => {
        const line = i + 1;
        const s = raw.trim();
        let m;
        let entry;
        if ((m = /^(CONFIG_[A-Za-z0-9_]+)=(y|[0-9]+|0x[0-9a-fA-F]+|"(?:[^"\\]|\\.)*")$/.exec(s)))
            entry = { symbol: m[1], value: m[2], line };
        else if ((m = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(s)))
            entry = { symbol: m[1], value: "n", line };
        else if (s === "" || s.startsWith("#"))
            return;
        else {
            errors.push(`${file}:${line}: "${s}" is not a Kconfig line; write CONFIG_NAME=y, CONFIG_NAME=123, CONFIG_NAME="text" or "# CONFIG_NAME is not set"`);
            return;
        }
        if (BUILD_OWNED.includes(entry.symbol)) {
            errors.push(`${file}:${line}: ${entry.symbol} is set by the build (static linking and toolchain flags); remove it from the fragment`);
            return;
        }
        const prev = seen.get(entry.symbol);
        if (prev !== undefined) {
            errors.push(`${file}:${line}: ${entry.symbol} is already set on line ${prev}`);
            return;
        }
        seen.set(entry.symbol, line);
        out.push(entry);
    });
    if (errors.length > 0) {
        const first = /:(\d+):/.exec(errors[0])?.[1];
        throw new UsageError(errors.join("\n"), { file, ...(first ? { line: Number(first) } : {}) });
    }
    return out;
}
/** Replaces or appends the fragment's symbols in a .config text. */
function mergeConfig(base, settings) {
    const want = new Map(settings.map((s) => [s.symbol, s.value]));
    const kept = base.split("\n").filter((l) => {
        const m = /^(?:# )?(CONFIG_[A-Za-z0-9_]+)[= ]/.exec(l);
        return !(m && want.has(m[1]));
    });
    while (kept.length > 0 && kept[kept.length - 1] === "")
        kept.pop();
    for (const [symbol, value] of want)
        kept.push(value === "n" ? `# ${symbol} is not set` : `${symbol}=${value}`);
    return `${kept.join("\n")}\n`;
}
/** Reads the value a .config gives each symbol ("n" for unset or absent). */
function readConfigValues(text) {
    const values = new Map();
    for (const l of text.split("\n")) {
        let m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(l);
        if (m)
            values.set(m[1], m[2]);
        else if ((m = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(l)))
            values.set(m[1], "n");
    }
    return values;
}
async function prepareSourceTree(cfg, source, log, cacheDir = cacheRoot()) {
    const patches = await Promise.all(cfg.busybox.patches.map(async (p) => ({ p, text: await (0,promises_namespaceObject.readFile)(p, "utf8") })));
    const key = `${source.sha256.slice(0, 32)}-${sha256(patches.map((x) => x.text).join("\0")).slice(0, 12)}`;
    const entry = await cachedEntry((0,external_node_path_namespaceObject.join)(cacheDir, "src"), key, async (tmp) => {
        await runChecked("tar", ["-xjf", source.tarball, "-C", tmp]);
        const tree = (0,external_node_path_namespaceObject.join)(tmp, `busybox-${cfg.busybox.version}`);
        if (!(await exists(tree)))
            throw new Error(`the tarball does not contain busybox-${cfg.busybox.version}/`);
        for (const { p } of patches) {
            const r = await run("patch", ["-p1", "--batch", "--forward", "-i", p], { cwd: tree });
            if (r.code !== 0)
                throw new UsageError(`patch ${p} does not apply to BusyBox ${cfg.busybox.version}:\n${r.stdout}${r.stderr}`, {
                    file: p,
                    field: "busybox.patches",
                });
        }
    });
    if (!entry.hit)
        log.debug(`source tree extracted to ${entry.path}`);
    return { dir: (0,external_node_path_namespaceObject.join)(entry.path, `busybox-${cfg.busybox.version}`), key };
}
async function buildBusybox(cfg, variant, platform, tree, opts) {
    const fragmentText = await (0,promises_namespaceObject.readFile)(variant.busyboxConfig, "utf8");
    const fragment = parseFragment(fragmentText, variant.busyboxConfig);
    const tc = await detectToolchain(platform);
    const key = sha256(JSON.stringify({
        recipe: RECIPE_VERSION,
        source: tree.key,
        fragment: fragmentText,
        toolchain: tc.identity,
        platform,
        epoch: opts.sourceDateEpoch,
    })).slice(0, 32);
    const cacheDir = opts.cacheDir ?? cacheRoot();
    const label = `${variant.name} ${platform}`;
    const started = Date.now();
    const entry = await cachedEntry((0,external_node_path_namespaceObject.join)(cacheDir, "busybox"), key, async (tmp) => {
        const facts = await compile(cfg, variant, platform, fragment, tc, tree.dir, tmp, key, opts);
        facts.buildSeconds = (Date.now() - started) / 1000;
        await (0,promises_namespaceObject.writeFile)((0,external_node_path_namespaceObject.join)(tmp, "facts.json"), `${JSON.stringify(facts, null, 2)}\n`);
    });
    const facts = JSON.parse(await (0,promises_namespaceObject.readFile)((0,external_node_path_namespaceObject.join)(entry.path, "facts.json"), "utf8"));
    opts.log.debug(`${label}: busybox ${entry.hit ? "cache hit" : "built"} (${entry.path})`);
    return { ...facts, binary: (0,external_node_path_namespaceObject.join)(entry.path, "busybox"), hit: entry.hit };
}
async function compile(cfg, variant, platform, fragment, tc, tree, outDir, key, opts) {
    const log = opts.log;
    const obj = (0,external_node_path_namespaceObject.join)(outDir, "obj");
    const inc = (0,external_node_path_namespaceObject.join)(outDir, "include");
    await (0,promises_namespaceObject.mkdir)(obj, { recursive: true });
    await (0,promises_namespaceObject.mkdir)(inc, { recursive: true });
    for (const [name, target] of Object.entries(tc.headerLinks))
        await (0,promises_namespaceObject.symlink)(target, (0,external_node_path_namespaceObject.join)(inc, name));
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(opts.sourceDateEpoch), LC_ALL: "C", TZ: "UTC", KBUILD_VERBOSE: "0" };
    const make = (args, input) => run("make", ["-s", "-C", obj, ...args], { env, ...(input !== undefined ? { input } : {}) });
    const label = `${variant.name} ${platform}`;
    let r = await run("make", ["-s", "-C", tree, `O=${obj}`, "allnoconfig"], { env });
    if (r.code !== 0)
        throw new Error(`${label}: make allnoconfig failed:\n${tail(r)}`);
    const settings = [
        ...fragment,
        { symbol: "CONFIG_STATIC", value: "y" },
        { symbol: "CONFIG_EXTRA_CFLAGS", value: JSON.stringify([`-isystem ${inc}`, ...tc.cflags].join(" ")) },
        { symbol: "CONFIG_EXTRA_LDFLAGS", value: JSON.stringify(COMMON_LDFLAGS.join(" ")) },
    ];
    await (0,promises_namespaceObject.writeFile)((0,external_node_path_namespaceObject.join)(obj, ".config"), mergeConfig(await (0,promises_namespaceObject.readFile)((0,external_node_path_namespaceObject.join)(obj, ".config"), "utf8"), settings));
    // oldconfig asks only for symbols without a value; answer each with its default.
    r = await make(["oldconfig"], "\n".repeat(2000));
    if (r.code !== 0)
        throw new Error(`${label}: make oldconfig failed:\n${tail(r)}`);
    const final = readConfigValues(await (0,promises_namespaceObject.readFile)((0,external_node_path_namespaceObject.join)(obj, ".config"), "utf8"));
    const ignored = fragment.filter((f) => (final.get(f.symbol) ?? "n") !== f.value);
    if (ignored.length > 0) {
        const first = ignored[0];
        throw new UsageError(ignored
            .map((f) => `${variant.busyboxConfig}:${f.line}: ${f.symbol}=${f.value} did not take effect (BusyBox ${cfg.busybox.version} gives ${final.get(f.symbol) ?? "no such symbol"}): the symbol is unknown or a symbol it depends on is off`)
            .join("\n"), { file: variant.busyboxConfig, line: first.line, field: `variants.${variant.name}.busybox` });
    }
    const jobs = String(opts.jobs ?? Math.max(1, (0,external_node_os_namespaceObject.cpus)().length));
    const makeVars = [`CC=${tc.cc}`, ...(tc.crossCompile ? [`CROSS_COMPILE=${tc.crossCompile}`] : []), `-j${jobs}`];
    log.info(`${label}: compiling BusyBox ${cfg.busybox.version} (${fragment.length} fragment lines, -j${jobs})`);
    let lines = 0;
    r = await run("make", ["-C", obj, ...makeVars, "busybox", "busybox.links"], {
        env,
        onOutput: (c) => {
            lines += (c.match(/\n/g) ?? []).length;
            log.progress(`${label}: compiling`, lines);
        },
    });
    if (r.code !== 0)
        throw new CheckFailure(`${label}: the BusyBox compile failed (make exit ${r.code}):\n${tail(r)}`);
    const binary = (0,external_node_path_namespaceObject.join)(outDir, "busybox");
    await (0,promises_namespaceObject.copyFile)((0,external_node_path_namespaceObject.join)(obj, "busybox"), binary);
    // The busybox target strips already; strip again with the platform's own strip to be sure.
    await runChecked(`${tc.crossCompile}strip`, ["--strip-all", "-R", ".comment", "-R", ".note", binary]);
    const elf = await readElfFile(binary);
    const problems = checkBinary(elf, platform);
    if (problems.length > 0)
        throw new CheckFailure(`${label}: the binary fails the ELF check: ${problems.join("; ")}`);
    const applets = parseLinks(await (0,promises_namespaceObject.readFile)((0,external_node_path_namespaceObject.join)(obj, "busybox.links"), "utf8"));
    const bytes = await (0,promises_namespaceObject.readFile)(binary);
    await (0,promises_namespaceObject.rm)(obj, { recursive: true, force: true });
    await (0,promises_namespaceObject.rm)(inc, { recursive: true, force: true });
    return {
        variant: variant.name,
        platform,
        busyboxVersion: cfg.busybox.version,
        key,
        size: bytes.length,
        sha256: sha256(bytes),
        applets,
        elf: { machine: elf.machineName, static: elf.isStatic, stripped: elf.stripped },
        toolchain: tc.identity,
        buildSeconds: 0,
    };
}
/** busybox.links lists one install path per applet ("/bin/ls"). */
function parseLinks(text) {
    return text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.startsWith("/"))
        .map((l) => ({ name: l.slice(l.lastIndexOf("/") + 1), path: l.slice(1) }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
function tail(r) {
    return `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-20).join("\n");
}

;// CONCATENATED MODULE: ./src/lib/tar.ts
/**
 * A deterministic tar writer (and a small reader for tests and size breakdowns).
 *
 * The same set of entries always produces the same bytes, whatever the input
 * order. All normalisation lives here (compare apko):
 * - paths are relative: "./" prefixes, "." segments, repeated and trailing "/" are
 *   normalised away; absolute paths, ".." segments, NUL bytes and empty paths are
 *   rejected with an Error; a path may appear only once;
 * - entries are sorted by path bytewise (UTF-8), except that a hardlink is moved
 *   directly after its target, which must be a regular file entry of the same archive;
 * - missing parent directories are NOT invented: the caller supplies them;
 * - every entry gets mtime = opts.mtime, uid = gid = 0 and EMPTY uname/gname (so
 *   extraction never maps names through the host's /etc/passwd, and `tar -tv`
 *   shows "0/0"); mode is masked to 0o7777, symlinks get 0o777, a hardlink header
 *   carries its target's mode; no atime/ctime;
 * - ustar format ("ustar\0" + "00"), directories named with a trailing "/";
 *   names over 100 bytes use the ustar prefix field when they can be split at a
 *   "/", otherwise a PAX 'x' header with only a path= (and/or linkpath=) record;
 * - the archive ends with exactly two zero blocks, with no padding to a 10 KiB record.
 */
const TAR_END_BYTES = 1024;
const BLOCK = 512;
const NAME_MAX = 100;
const PREFIX_MAX = 155;
const LINKNAME_MAX = 100;
/** 11 octal digits, the most a 12-byte ustar numeric field holds. */
const MAX_OCTAL_11 = 8 ** 11 - 1;
const PAX_HEADER_NAME = "././@PaxHeader";
const PAX_HEADER_MODE = 0o644;
const TYPEFLAG = { file: "0", hardlink: "1", symlink: "2", dir: "5", pax: "x" };
const utf8 = new TextEncoder();
// ---------------------------------------------------------------------------
// Validation and normalisation
// ---------------------------------------------------------------------------
/** "./usr//bin/" -> "usr/bin". Throws on absolute, empty, ".." or NUL. */
function normalizeTarPath(path) {
    const shown = JSON.stringify(path);
    if (path.includes("\0"))
        throw new Error(`tar path ${shown} contains a NUL byte`);
    if (path.startsWith("/"))
        throw new Error(`tar path ${shown} is absolute; archive paths must be relative`);
    const parts = path.split("/").filter((p) => p !== "" && p !== ".");
    if (parts.includes(".."))
        throw new Error(`tar path ${shown} contains a ".." segment`);
    if (parts.length === 0)
        throw new Error(`tar path ${shown} is empty after normalisation`);
    return parts.join("/");
}
function checkMode(mode, path) {
    if (!Number.isInteger(mode) || mode < 0)
        throw new Error(`tar entry ${path}: mode ${mode} is not a non-negative integer`);
    return mode & 0o7777;
}
function checkMtime(mtime) {
    if (!Number.isInteger(mtime) || mtime < 0 || mtime > MAX_OCTAL_11) {
        throw new Error(`tar mtime ${mtime} must be an integer number of seconds in 0..${MAX_OCTAL_11}`);
    }
    return mtime;
}
function checkLinkTarget(target, path) {
    if (target === "")
        throw new Error(`tar entry ${path}: empty link target`);
    if (target.includes("\0"))
        throw new Error(`tar entry ${path}: link target contains a NUL byte`);
    return target;
}
/** A copy of the entry with a normalised path (and hardlink target) and a masked mode. */
function normalizeEntry(e) {
    const path = normalizeTarPath(e.path);
    switch (e.type) {
        case "dir":
            return { type: "dir", path, mode: checkMode(e.mode, path) };
        case "file":
            if (e.data.length > MAX_OCTAL_11)
                throw new Error(`tar entry ${path}: ${e.data.length} bytes is too large for ustar`);
            return { type: "file", path, mode: checkMode(e.mode, path), data: e.data };
        case "symlink":
            return { type: "symlink", path, target: checkLinkTarget(e.target, path) };
        case "hardlink":
            return { type: "hardlink", path, target: normalizeTarPath(checkLinkTarget(e.target, path)) };
        default:
            throw new Error(`tar entry has unknown type ${JSON.stringify(e.type)}`);
    }
}
function compareBytes(a, b) {
    return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
/** Sorted by path bytewise, each hardlink moved directly after its target. */
function orderEntries(entries) {
    const sorted = [...entries].sort((a, b) => compareBytes(a.path, b.path));
    for (let i = 1; i < sorted.length; i++) {
        const prev = sorted[i - 1];
        const cur = sorted[i];
        if (prev && cur && prev.path === cur.path)
            throw new Error(`tar path ${JSON.stringify(cur.path)} appears more than once`);
    }
    const files = new Map(sorted.filter((e) => e.type === "file").map((e) => [e.path, e]));
    const waiting = new Map();
    for (const e of sorted) {
        if (e.type !== "hardlink")
            continue;
        if (!files.has(e.target)) {
            throw new Error(`tar hardlink ${e.path}: target ${JSON.stringify(e.target)} is not a regular file entry of this archive`);
        }
        waiting.set(e.target, [...(waiting.get(e.target) ?? []), e]);
    }
    return sorted.filter((e) => e.type !== "hardlink").flatMap((e) => [e, ...(waiting.get(e.path) ?? [])]);
}
function archiveName(e) {
    return e.type === "dir" ? `${e.path}/` : e.path;
}
function linkTarget(e) {
    return e.type === "symlink" || e.type === "hardlink" ? e.target : "";
}
/** Splits a long name at a "/" so that it fits ustar's prefix (155) + name (100) fields. */
function splitUstar(bytes) {
    if (bytes.length <= NAME_MAX)
        return { prefix: new Uint8Array(), name: bytes };
    for (let i = Math.min(bytes.length - 2, PREFIX_MAX); i > 0; i--) {
        if (bytes[i] === 0x2f && bytes.length - i - 1 <= NAME_MAX) {
            return { prefix: bytes.subarray(0, i), name: bytes.subarray(i + 1) };
        }
    }
    return undefined;
}
/** The first `max` bytes, cut back so that no UTF-8 sequence is split (a placeholder name under PAX). */
function truncateUtf8(bytes, max) {
    if (bytes.length <= max)
        return bytes;
    let end = max;
    while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80)
        end--;
    return bytes.subarray(0, end);
}
/** One PAX record, "<len> <key>=<value>\n", where <len> counts the whole record including itself. */
function paxRecord(key, value) {
    const body = utf8.encode(` ${key}=${value}\n`).length;
    let len = body + String(body).length;
    if (String(len).length + body !== len)
        len = body + String(len).length;
    return `${len} ${key}=${value}\n`;
}
function nameLayout(e) {
    const nameBytes = utf8.encode(archiveName(e));
    const linkBytes = utf8.encode(linkTarget(e));
    const split = splitUstar(nameBytes);
    let records = "";
    if (!split)
        records += paxRecord("path", archiveName(e));
    if (linkBytes.length > LINKNAME_MAX)
        records += paxRecord("linkpath", linkTarget(e));
    return {
        name: split ? split.name : truncateUtf8(nameBytes, NAME_MAX),
        prefix: split ? split.prefix : new Uint8Array(),
        linkname: truncateUtf8(linkBytes, LINKNAME_MAX),
        pax: records ? utf8.encode(records) : undefined,
    };
}
function padded(size) {
    return Math.ceil(size / BLOCK) * BLOCK;
}
function dataSize(e) {
    return e.type === "file" ? e.data.length : 0;
}
/** Bytes this entry occupies in the archive: headers plus padded data (PAX header and records included). */
function tarEntryBytes(e) {
    const n = normalizeEntry(e);
    const pax = nameLayout(n).pax;
    return (pax ? BLOCK + padded(pax.length) : 0) + BLOCK + padded(dataSize(n));
}
/** Octal digits, zero-padded to width - 1, then NUL. */
function writeOctal(h, offset, width, value) {
    const digits = value.toString(8);
    if (digits.length > width - 1)
        throw new Error(`tar: value ${value} does not fit in a ${width}-byte field`);
    h.write(`${digits.padStart(width - 1, "0")}\0`, offset, "ascii");
}
function encodeHeader(f) {
    const h = Buffer.alloc(BLOCK);
    h.set(f.name, 0);
    writeOctal(h, 100, 8, f.mode);
    writeOctal(h, 108, 8, 0); // uid
    writeOctal(h, 116, 8, 0); // gid
    writeOctal(h, 124, 12, f.size);
    writeOctal(h, 136, 12, f.mtime);
    h.write(f.typeflag, 156, "ascii");
    h.set(f.linkname, 157);
    h.write("ustar\0" + "00", 257, "ascii"); // uname (265) and gname (297) stay empty
    writeOctal(h, 329, 8, 0); // devmajor
    writeOctal(h, 337, 8, 0); // devminor
    h.set(f.prefix, 345);
    h.fill(0x20, 148, 156);
    writeOctal(h, 148, 7, checksum(h)); // 6 digits, NUL, and the space already there
    return h;
}
function checksum(h) {
    let sum = 0;
    for (let i = 0; i < BLOCK; i++)
        sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
    return sum;
}
function padBlock(data) {
    const out = Buffer.alloc(padded(data.length));
    out.set(data);
    return out;
}
function typeflagOf(e) {
    return TYPEFLAG[e.type];
}
function modeOf(e, fileModes) {
    if (e.type === "symlink")
        return 0o777;
    if (e.type === "hardlink")
        return fileModes.get(e.target) ?? 0;
    return e.mode;
}
function encodeEntry(e, mtime, fileModes) {
    const layout = nameLayout(e);
    const blocks = [];
    if (layout.pax) {
        const paxName = utf8.encode(PAX_HEADER_NAME);
        const none = new Uint8Array();
        blocks.push(encodeHeader({
            name: paxName,
            prefix: none,
            linkname: none,
            mode: PAX_HEADER_MODE,
            size: layout.pax.length,
            mtime,
            typeflag: TYPEFLAG.pax,
        }));
        blocks.push(padBlock(layout.pax));
    }
    const data = e.type === "file" ? e.data : new Uint8Array();
    blocks.push(encodeHeader({ ...layout, mode: modeOf(e, fileModes), size: data.length, mtime, typeflag: typeflagOf(e) }));
    if (data.length > 0)
        blocks.push(padBlock(data));
    return blocks;
}
function writeTar(entries, opts) {
    const mtime = checkMtime(opts.mtime);
    const ordered = orderEntries(entries.map(normalizeEntry));
    const fileModes = new Map(ordered.flatMap((e) => (e.type === "file" ? [[e.path, e.mode]] : [])));
    const blocks = ordered.flatMap((e) => encodeEntry(e, mtime, fileModes));
    blocks.push(Buffer.alloc(TAR_END_BYTES));
    return Buffer.concat(blocks);
}
const latin1 = new TextDecoder("latin1");
const utf8Decoder = new TextDecoder();
function cString(h, offset, width) {
    const field = h.subarray(offset, offset + width);
    const nul = field.indexOf(0);
    return utf8Decoder.decode(nul < 0 ? field : field.subarray(0, nul));
}
function parseOctal(h, offset, width, what, at) {
    const text = latin1
        .decode(h.subarray(offset, offset + width))
        .replace(/[\0 ]+$/, "")
        .replace(/^ +/, "");
    if (!/^[0-7]*$/.test(text))
        throw new Error(`tar: bad ${what} field ${JSON.stringify(text)} in header at ${at}`);
    return text === "" ? 0 : parseInt(text, 8);
}
function isZeroBlock(buf, offset) {
    return buf.subarray(offset, offset + BLOCK).every((b) => b === 0);
}
function parsePax(data, at) {
    const records = new Map();
    let pos = 0;
    while (pos < data.length) {
        const space = data.indexOf(0x20, pos);
        const len = space < 0 ? NaN : Number(latin1.decode(data.subarray(pos, space)));
        if (!Number.isInteger(len) || len <= 0 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
            throw new Error(`tar: malformed PAX record at ${at + BLOCK + pos}`);
        }
        const record = utf8Decoder.decode(data.subarray(space + 1, pos + len - 1));
        const eq = record.indexOf("=");
        if (eq < 0)
            throw new Error(`tar: PAX record without "=" at ${at + BLOCK + pos}`);
        records.set(record.slice(0, eq), record.slice(eq + 1));
        pos += len;
    }
    return records;
}
function toEntry(typeflag, path, mode, link, data, at) {
    switch (typeflag) {
        case "0":
        case "\0":
            return { type: "file", path, mode, data };
        case "5":
            return { type: "dir", path: path.replace(/\/+$/, ""), mode };
        case "2":
            return { type: "symlink", path, target: link };
        case "1":
            return { type: "hardlink", path, target: link };
        default:
            throw new Error(`tar: unsupported entry type ${JSON.stringify(typeflag)} in header at ${at}`);
    }
}
/** Parses an archive into its entries, in archive order. File data are views into `buf`. */
function readTar(buf) {
    const out = [];
    let pax;
    for (let off = 0;;) {
        if (off + BLOCK > buf.length)
            throw new Error(`tar: archive ends at ${buf.length} without an end-of-archive marker`);
        if (isZeroBlock(buf, off))
            break;
        const h = buf.subarray(off, off + BLOCK);
        const sum = parseOctal(h, 148, 8, "checksum", off);
        if (sum !== checksum(h))
            throw new Error(`tar: checksum mismatch in header at ${off}`);
        const size = parseOctal(h, 124, 12, "size", off);
        const dataStart = off + BLOCK;
        if (dataStart + size > buf.length)
            throw new Error(`tar: entry at ${off} has ${size} bytes of data past the end of the archive`);
        const data = buf.subarray(dataStart, dataStart + size);
        const typeflag = String.fromCharCode(h[156] ?? 0);
        const next = dataStart + padded(size);
        if (typeflag === TYPEFLAG.pax || typeflag === "g") {
            if (typeflag === TYPEFLAG.pax)
                pax = { records: parsePax(data, off), start: pax?.start ?? off };
            off = next;
            continue;
        }
        const prefix = cString(h, 345, PREFIX_MAX);
        const name = cString(h, 0, NAME_MAX);
        const path = pax?.records.get("path") ?? (prefix ? `${prefix}/${name}` : name);
        const link = pax?.records.get("linkpath") ?? cString(h, 157, LINKNAME_MAX);
        const mode = parseOctal(h, 100, 8, "mode", off);
        const entry = toEntry(typeflag, path, mode, link, data, off);
        out.push({ ...entry, size: entry.type === "file" ? size : 0, headerOffset: pax?.start ?? off });
        pax = undefined;
        off = next;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/stages/rootfs.ts
/**
 * rootfs stage: BusyBox binary + configs/ files + variant -> one deterministic layer tar and
 * its file list. The same inputs give the same bytes: entries sorted, mtime = SOURCE_DATE_EPOCH,
 * uid/gid 0, fixed modes (all normalisation lives in src/lib/tar.ts).
 */





const RUNLEVELS = ["sysinit", "boot", "default", "shutdown"];
/** Parses a services list, following `include <file>` lines (relative to the including file). */
async function readServices(path, seen = []) {
    const file = (0,external_node_path_namespaceObject.resolve)(path);
    if (seen.includes(file))
        throw new UsageError(`include cycle: ${[...seen, file].join(" -> ")}`, { file });
    let text;
    try {
        text = await (0,promises_namespaceObject.readFile)(file, "utf8");
    }
    catch {
        throw new UsageError(`services list not found: ${file}`, { file });
    }
    const out = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const line = i + 1;
        const s = lines[i].replace(/#.*$/, "").trim();
        if (s === "")
            continue;
        const parts = s.split(/\s+/);
        if (parts[0] === "include" && parts.length === 2) {
            out.push(...(await readServices((0,external_node_path_namespaceObject.resolve)((0,external_node_path_namespaceObject.dirname)(file), parts[1]), [...seen, file])));
            continue;
        }
        const [runlevel, name, need, ...why] = parts;
        const where = { file, line };
        if (!RUNLEVELS.includes(runlevel)) {
            throw new UsageError(`"${runlevel}" is not a runlevel; allowed: ${RUNLEVELS.join(", ")} (or "include <file>")`, where);
        }
        if (!name || !/^[a-z][a-z0-9.-]*$/.test(name))
            throw new UsageError(`service name "${name ?? ""}" must match [a-z][a-z0-9.-]*`, where);
        if (!need)
            throw new UsageError(`service ${name}: name the BusyBox applets it needs ("-" for none, or "none <reason>")`, where);
        if (need === "none") {
            if (why.length === 0)
                throw new UsageError(`service ${name}: say why BusyBox has no equivalent after "none"`, where);
            out.push({ runlevel: runlevel, name, applets: [], optional: [], unavailable: why.join(" "), file, line });
            continue;
        }
        if (why.length > 0)
            throw new UsageError(`service ${name}: unexpected "${why.join(" ")}" after the applet list`, where);
        const names = need === "-" ? [] : need.split(",");
        const bad = names.find((a) => !/^[a-z0-9_.[-]+\??$/.test(a));
        if (bad !== undefined)
            throw new UsageError(`service ${name}: "${bad}" is not an applet name (write name or name?, comma-separated)`, where);
        const applets = names.filter((a) => !a.endsWith("?"));
        const optional = names.filter((a) => a.endsWith("?")).map((a) => a.slice(0, -1));
        out.push({ runlevel: runlevel, name, applets, optional, file, line });
    }
    const dup = out.find((s, i) => out.findIndex((o) => o.runlevel === s.runlevel && o.name === s.name) !== i);
    if (dup)
        throw new UsageError(`service ${dup.name} is listed twice in runlevel ${dup.runlevel}`, { file: dup.file, line: dup.line });
    return out;
}
/**
 * Services whose applets the variant's BusyBox lacks are a configuration error. Returns what the
 * build should report: optional applets the variant does not have.
 */
function checkServices(services, applets, variant) {
    const problems = services.flatMap((s) => s.applets
        .filter((a) => !applets.has(a))
        .map((a) => ({
        s,
        msg: `${s.file}:${s.line}: service ${s.name} needs the ${a} applet, which the ${variant.name} BusyBox (${variant.busyboxConfig}) does not include; enable it there or drop the service`,
    })));
    if (problems.length > 0) {
        throw new UsageError(problems.map((p) => p.msg).join("\n"), { file: problems[0].s.file, line: problems[0].s.line });
    }
    return services.flatMap((s) => s.optional.filter((a) => !applets.has(a)).map((a) => `service ${s.name} runs without ${a} (not in this variant)`));
}
/** /etc/kimigayo/services as kimigayo-rc reads it: "<runlevel> <service>"; unavailable ones as comments. */
function renderServices(services) {
    const lines = ["# Generated by kimigayo build from the variant's services list.", "# <runlevel> <service>"];
    for (const s of services) {
        lines.push(s.unavailable ? `# ${s.runlevel} ${s.name}: not available (${s.unavailable})` : `${s.runlevel} ${s.name}`);
    }
    return `${lines.join("\n")}\n`;
}
const BASE_DIRS = [
    ["bin", 0o755],
    ["dev", 0o755],
    ["etc", 0o755],
    ["etc/kimigayo", 0o755],
    ["proc", 0o555],
    ["root", 0o700],
    ["run", 0o755],
    ["sbin", 0o755],
    ["sys", 0o555],
    ["tmp", 0o1777],
    ["usr", 0o755],
    ["usr/bin", 0o755],
    ["usr/sbin", 0o755],
    ["var", 0o755],
    ["var/log", 0o755],
];
function osRelease(cfg, variant) {
    return [
        `NAME="Kimigayo OS"`,
        `ID=kimigayo`,
        `VERSION_ID=${cfg.version}`,
        `VERSION="${cfg.version} (${variant.name})"`,
        `PRETTY_NAME="Kimigayo OS ${cfg.version} (${variant.name})"`,
        `VARIANT="${variant.name}"`,
        `VARIANT_ID=${variant.name}`,
        `BUSYBOX_VERSION=${cfg.busybox.version}`,
        "",
    ].join("\n");
}
/** Assembles the layer's entries (pure: no I/O besides reading the configured files). */
async function rootfsEntries(cfg, variant, bb, services) {
    const enc = (s) => new TextEncoder().encode(s);
    const files = new Map();
    const add = (e) => {
        if (files.has(e.path))
            throw new UsageError(`two files want ${e.path} in the ${variant.name} rootfs`, { file: cfg.file, field: "files" });
        files.set(e.path, e);
    };
    const dirs = new Map(BASE_DIRS);
    const needDir = (p) => {
        for (let d = external_node_path_namespaceObject.posix.dirname(p); d !== "." && d !== "/"; d = external_node_path_namespaceObject.posix.dirname(d))
            if (!dirs.has(d))
                dirs.set(d, 0o755);
    };
    add({ type: "file", path: "bin/busybox", mode: 0o755, data: await (0,promises_namespaceObject.readFile)(bb.binary) });
    for (const f of cfg.files) {
        const path = f.path.replace(/^\/+/, "");
        add({ type: "file", path, mode: f.mode, data: await (0,promises_namespaceObject.readFile)(f.src) });
        needDir(path);
    }
    add({ type: "file", path: "etc/os-release", mode: 0o644, data: enc(osRelease(cfg, variant)) });
    add({
        type: "file",
        path: "etc/passwd",
        mode: 0o644,
        data: enc("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
    });
    add({ type: "file", path: "etc/group", mode: 0o644, data: enc("root:x:0:\nnobody:x:65534:\n") });
    add({ type: "file", path: "etc/hostname", mode: 0o644, data: enc("kimigayo\n") });
    add({ type: "file", path: "etc/kimigayo/services", mode: 0o644, data: enc(renderServices(services)) });
    // Applet links: hard links to bin/busybox. In the layer tar a hard link and a symlink
    // each take one header; unpacked, a hard link takes no inode, so it is the smaller form.
    for (const a of bb.applets) {
        if (a.path === "bin/busybox" || files.has(a.path))
            continue;
        add({ type: "hardlink", path: a.path, target: "bin/busybox" });
        needDir(a.path);
    }
    const entries = [...dirs].map(([path, mode]) => ({ type: "dir", path, mode }));
    return [...entries, ...files.values()];
}
async function buildRootfs(cfg, variant, bb, opts) {
    const services = await readServices(variant.services);
    const notes = checkServices(services, new Set(bb.applets.map((a) => a.name)), variant);
    const entries = await rootfsEntries(cfg, variant, bb, services);
    const tar = writeTar(entries, { mtime: opts.sourceDateEpoch });
    const arch = bb.platform.split("/")[1];
    const path = (0,external_node_path_namespaceObject.join)(opts.outDir, "rootfs", `kimigayo-${variant.name}-${arch}.tar`);
    await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.dirname)(path), { recursive: true });
    await (0,promises_namespaceObject.writeFile)(path, tar);
    const files = entries
        .map((e) => ({ path: e.path, type: e.type, size: e.type === "file" ? e.data.length : 0, tarBytes: tarEntryBytes(e) }))
        .sort((a, b) => (a.path < b.path ? -1 : 1));
    const accounted = files.reduce((n, f) => n + f.tarBytes, TAR_END_BYTES);
    if (accounted !== tar.length)
        throw new Error(`internal: file list accounts for ${accounted} bytes, the tar has ${tar.length}`);
    return {
        variant: variant.name,
        platform: bb.platform,
        tar: path,
        size: tar.length,
        sha256: sha256(tar),
        files,
        services: {
            started: services.filter((s) => !s.unavailable && s.runlevel !== "shutdown").map((s) => s.name),
            unavailable: services.filter((s) => s.unavailable).map((s) => ({ name: s.name, reason: s.unavailable })),
            notes,
        },
    };
}

;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./src/lib/openpgp.ts
/**
 * The binary OpenPGP packets of ASCII-armored blocks. gpgv (2.2, bookworm) reads only binary
 * keyrings, and gpg, which could dearmor, is not always installed.
 */
function dearmor(text) {
    const blocks = [];
    const re = /-----BEGIN PGP [A-Z ]+-----\r?\n([\s\S]*?)-----END PGP [A-Z ]+-----/g;
    for (const m of text.matchAll(re)) {
        const body = (m[1] ?? "").split(/\r?\n/);
        const blank = body.findIndex((l) => l.trim() === "");
        const lines = body.slice(blank + 1).filter((l) => l.trim() !== "" && !l.startsWith("="));
        blocks.push(Buffer.from(lines.join(""), "base64"));
    }
    if (blocks.length === 0 || blocks.every((b) => b.length === 0))
        throw new Error("no ASCII-armored OpenPGP block found");
    return Buffer.concat(blocks);
}

;// CONCATENATED MODULE: ./src/lib/retry.ts
class RetryableError extends Error {
    retryAfterMs;
    constructor(message, retryAfterMs) {
        super(message);
        this.retryAfterMs = retryAfterMs;
    }
}
const defaultSleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Connection resets, timeouts and RetryableError are retried by default; anything else fails at once. */
function isTransient(err) {
    if (err instanceof RetryableError)
        return err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : true;
    const code = err?.cause?.code ?? err?.code;
    return ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"].includes(code ?? "");
}
async function withRetry(fn, opts = {}) {
    const attempts = opts.attempts ?? 4;
    const base = opts.baseMs ?? 250;
    const cap = opts.maxDelayMs ?? 8000;
    const budget = opts.budgetMs ?? 60000;
    const sleep = opts.sleep ?? defaultSleep;
    const random = opts.random ?? Math.random;
    const retryable = opts.retryable ?? isTransient;
    const started = Date.now();
    for (let attempt = 1;; attempt++) {
        try {
            return await fn(attempt);
        }
        catch (err) {
            const verdict = retryable(err);
            if (!verdict || attempt >= attempts)
                throw err;
            const backoff = Math.min(cap, base * 2 ** (attempt - 1));
            const delay = typeof verdict === "object" ? verdict.retryAfterMs : Math.floor(random() * backoff);
            if (Date.now() - started + delay > budget)
                throw err;
            opts.onRetry?.(err, attempt, delay);
            await sleep(delay);
        }
    }
}
/**
 * A Retry-After header value in milliseconds: delay-seconds ("120") or an HTTP date. Undefined
 * when absent or unreadable; a date in the past gives 0.
 */
function parseRetryAfter(value, now = Date.now()) {
    const v = value?.trim();
    if (!v)
        return undefined;
    if (/^\d+$/.test(v))
        return Number(v) * 1000;
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

;// CONCATENATED MODULE: ./src/stages/source.ts
/**
 * source stage: busybox.{urls, sha256} -> a verified tarball in the content-addressed cache.
 * The sha256 is checked before anything is unpacked; mirrors are tried in order; http(s),
 * file:// URLs and local paths all work. With busybox.signature, the detached signature is
 * checked with gpgv against the configured key as well.
 */













function sourceCachePath(sha256, cacheDir = cacheRoot()) {
    return (0,external_node_path_namespaceObject.join)(cacheDir, "sources", "sha256", sha256);
}
async function fetchSource(cfg, opts) {
    const { busybox } = cfg;
    const target = sourceCachePath(busybox.sha256, opts.cacheDir);
    if (await exists(target)) {
        const got = await sha256File(target);
        if (got === busybox.sha256) {
            const signature = await checkSignature(cfg, target, undefined, opts);
            return { tarball: target, sha256: got, hit: true, signature };
        }
        opts.log.warn(`cached source ${target} is corrupt (sha256 ${got}); fetching it again`);
        await (0,promises_namespaceObject.rm)(target, { force: true });
    }
    await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.dirname)(target), { recursive: true });
    const failures = [];
    let mismatch = false;
    for (const url of busybox.urls) {
        const tmp = `${target}.tmp-${process.pid}`;
        try {
            const got = await withRetry(() => download(url, cfg.dir, tmp, opts.log), {
                attempts: opts.attempts ?? 3,
                onRetry: (e, n, ms) => opts.log.warn(`${url}: ${e.message}; retry ${n} in ${ms} ms`),
            });
            if (got !== busybox.sha256) {
                mismatch = true;
                failures.push(`${url}: sha256 is ${got}, expected ${busybox.sha256}`);
                await (0,promises_namespaceObject.rm)(tmp, { force: true });
                continue;
            }
            const signature = await checkSignature(cfg, tmp, url, opts);
            await (0,promises_namespaceObject.rename)(tmp, target);
            opts.log.info(`source: ${url} (sha256 ${got.slice(0, 12)}…, verified)`);
            return { tarball: target, sha256: got, hit: false, url, signature };
        }
        catch (e) {
            await (0,promises_namespaceObject.rm)(tmp, { force: true });
            if (e instanceof UsageError)
                throw e;
            failures.push(`${url}: ${e.message}`);
        }
    }
    const line = cfg.locations["busybox.urls"]?.line;
    const hint = mismatch
        ? `If the pin is wrong, correct busybox.sha256; otherwise the mirror serves a different file: remove it from busybox.urls.`
        : `Add a reachable mirror, a file:// URL or a local path to busybox.urls. On a machine without internet access to busybox.net, run \`kimigayo doctor --fix\`, which seeds the cache from Debian's identical orig tarball.`;
    throw new UsageError(`could not obtain BusyBox ${busybox.version} from any of ${busybox.urls.length} URL(s):\n  ${failures.join("\n  ")}\n${hint}`, {
        file: cfg.file,
        field: mismatch ? "busybox.sha256" : "busybox.urls",
        ...(line !== undefined ? { line } : {}),
    });
}
/** Copies or downloads `url` to `dest`, hashing as it goes; returns the sha256. */
async function download(url, baseDir, dest, log) {
    const hash = (0,external_node_crypto_namespaceObject.createHash)("sha256");
    if (/^https?:\/\//.test(url)) {
        const res = await fetch(url, { signal: AbortSignal.timeout(60_000) }).catch((e) => {
            throw Object.assign(new Error(`cannot connect (${e.cause ? String(e.cause.message ?? e.cause) : e.message})`), {
                code: (e.cause?.code ?? "ECONNRESET"),
            });
        });
        if (res.status >= 500 || res.status === 429) {
            const ra = Number(res.headers.get("retry-after"));
            throw new RetryableError(`HTTP ${res.status}`, Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined);
        }
        if (!res.ok || !res.body)
            throw new Error(`HTTP ${res.status} ${res.statusText}`);
        const total = Number(res.headers.get("content-length")) || undefined;
        let done = 0;
        const body = external_node_stream_namespaceObject.Readable.fromWeb(res.body);
        body.on("data", (b) => {
            hash.update(b);
            done += b.length;
            log.progress(`downloading ${url}`, done, total);
        });
        await (0,external_node_stream_promises_namespaceObject.pipeline)(body, (0,external_node_fs_namespaceObject.createWriteStream)(dest));
        return hash.digest("hex");
    }
    const path = url.startsWith("file://") ? (0,external_node_url_namespaceObject.fileURLToPath)(url) : (0,external_node_path_namespaceObject.isAbsolute)(url) ? url : (0,external_node_path_namespaceObject.resolve)(baseDir, url);
    if (!(await exists(path)))
        throw new Error(`no such file: ${path}`);
    await (0,promises_namespaceObject.copyFile)(path, dest);
    return sha256File(dest);
}
/** Verifies the detached signature when busybox.signature is configured. */
async function checkSignature(cfg, tarball, fromUrl, opts) {
    const sig = cfg.busybox.signature;
    if (!sig)
        return "not configured";
    const keyArmored = await (0,promises_namespaceObject.readFile)(sig.key, "utf8");
    const tmpDir = `${tarball}.sig-${process.pid}`;
    await (0,promises_namespaceObject.mkdir)(tmpDir, { recursive: true });
    try {
        const keyring = (0,external_node_path_namespaceObject.join)(tmpDir, "keyring.gpg");
        let key;
        try {
            key = dearmor(keyArmored);
        }
        catch {
            throw new UsageError(`${sig.key} is not an ASCII-armored OpenPGP public key`, { file: cfg.file, field: "busybox.signature.key" });
        }
        await (0,promises_namespaceObject.writeFile)(keyring, key);
        const candidates = sig.urls.length > 0 ? sig.urls : [...(fromUrl ? [fromUrl] : []), ...cfg.busybox.urls].map((u) => `${u}.asc`);
        const errors = [];
        for (const url of [...new Set(candidates)]) {
            const sigFile = (0,external_node_path_namespaceObject.join)(tmpDir, "sig");
            try {
                await download(url, cfg.dir, sigFile, opts.log);
            }
            catch (e) {
                errors.push(`${url}: ${e.message}`);
                continue;
            }
            const r = await run("gpgv", ["--keyring", keyring, sigFile, tarball], { env: { ...process.env, LC_ALL: "C" } });
            if (r.code === 0) {
                opts.log.info(`source: signature verified (${url})`);
                return "verified";
            }
            throw new UsageError(`the signature ${url} does not verify the BusyBox tarball with key ${sig.key}:\n${r.stderr.trim()}`, {
                file: cfg.file,
                field: "busybox.signature",
            });
        }
        throw new UsageError(`no signature could be read:\n  ${errors.join("\n  ")}`, { file: cfg.file, field: "busybox.signature.urls" });
    }
    finally {
        await (0,promises_namespaceObject.rm)(tmpDir, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/lib/docker.ts

/**
 * The docker client to use. Debian's own client (/usr/bin/docker, from docker.io) matches the
 * engine and can build for another platform with BuildKit; a preinstalled newer client without
 * buildx falls back to the legacy builder. KIMIGAYO_DOCKER overrides.
 */
function dockerBin() {
    const forced = process.env.KIMIGAYO_DOCKER;
    if (forced)
        return forced;
    return (0,external_node_fs_namespaceObject.existsSync)("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}
const DEFAULT_REGISTRY = "127.0.0.1:5000";

;// CONCATENATED MODULE: ./src/oci/digest.ts
/** Content digests as OCI writes them: "sha256:<64 lowercase hex>". Only sha256 is produced or accepted. */

const DIGEST = /^sha256:[0-9a-f]{64}$/;
function digest_digestOf(data) {
    return `sha256:${(0,external_node_crypto_namespaceObject.createHash)("sha256").update(data).digest("hex")}`;
}
function isDigest(s) {
    return DIGEST.test(s);
}
/** The hex part of a digest, after checking its form (it becomes a file name under blobs/). */
function digestHex(digest) {
    if (!isDigest(digest))
        throw new Error(`${JSON.stringify(digest)} is not a sha256 digest (expected sha256:<64 lowercase hex>)`);
    return digest.slice("sha256:".length);
}
/** Throws when `data` does not hash to `expected`; `what` names the content in the message. */
function verifyDigest(data, expected, what) {
    const actual = digest_digestOf(data);
    if (actual !== expected)
        throw new Error(`${what}: content digest ${actual} does not match the expected ${expected}`);
}

;// CONCATENATED MODULE: ./src/oci/json.ts
/**
 * Canonical JSON: object keys in sorted order (UTF-16 code units, the same as bytewise for the
 * ASCII keys OCI uses, and the order Go's encoding/json writes), no whitespace, keys whose value
 * is undefined left out. The same value always serialises to the same bytes, so manifest and
 * config digests are reproducible.
 */
function canonicalJson(value) {
    return json_encode(value, "$");
}
function canonicalJsonBytes(value) {
    return Buffer.from(canonicalJson(value), "utf8");
}
function json_encode(v, path) {
    if (v === null || typeof v === "boolean" || typeof v === "string")
        return JSON.stringify(v);
    if (typeof v === "number") {
        if (!Number.isFinite(v))
            throw new Error(`canonical JSON: ${path} is ${v}, which JSON cannot represent`);
        return JSON.stringify(v);
    }
    if (Array.isArray(v)) {
        return `[${v.map((item, i) => {
            if (item === undefined)
                throw new Error(`canonical JSON: ${path}[${i}] is undefined`);
            return json_encode(item, `${path}[${i}]`);
        })}]`;
    }
    if (typeof v === "object" && json_isPlainObject(v)) {
        const entries = Object.entries(v)
            .filter(([, val]) => val !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, val]) => `${JSON.stringify(k)}:${json_encode(val, `${path}.${k}`)}`).join(",")}}`;
    }
    throw new Error(`canonical JSON: ${path} is a ${typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v}, not a JSON value`);
}
function json_isPlainObject(v) {
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
}

;// CONCATENATED MODULE: ./src/oci/types.ts
/**
 * OCI image-spec types (v1.1) and the media types we write and read. We write OCI media types
 * only; Docker's manifest list and v2 manifest are accepted when reading from a registry.
 */
const MEDIA_TYPES = {
    ociIndex: "application/vnd.oci.image.index.v1+json",
    ociManifest: "application/vnd.oci.image.manifest.v1+json",
    ociConfig: "application/vnd.oci.image.config.v1+json",
    ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
    dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
    dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
};
/** Media types of an index (a list of per-platform manifests). */
const INDEX_MEDIA_TYPES = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList];
/** Media types of a single-platform image manifest. */
const MANIFEST_MEDIA_TYPES = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest];
/** The Accept header for manifest requests: everything we can read. */
const MANIFEST_ACCEPT = [...INDEX_MEDIA_TYPES, ...MANIFEST_MEDIA_TYPES].join(", ");
const OCI_LAYOUT_VERSION = "1.0.0";
/** Pre-defined annotation keys (image-spec annotations.md). */
const ANNOTATIONS = {
    created: "org.opencontainers.image.created",
    version: "org.opencontainers.image.version",
    revision: "org.opencontainers.image.revision",
    source: "org.opencontainers.image.source",
    title: "org.opencontainers.image.title",
    description: "org.opencontainers.image.description",
    licenses: "org.opencontainers.image.licenses",
    refName: "org.opencontainers.image.ref.name",
};

;// CONCATENATED MODULE: ./src/oci/layout.ts
/**
 * OCI image layout directories (image-spec image-layout.md):
 *   DIR/oci-layout           {"imageLayoutVersion":"1.0.0"}
 *   DIR/index.json           an image index naming the top-level images (ref.name annotations)
 *   DIR/blobs/sha256/<hex>   content-addressed blobs
 * Writing is idempotent: a blob already present with the right content is left alone, every
 * file is written through a temporary name and renamed into place, and JSON is canonical.
 */






function blobPath(dir, digest) {
    return (0,external_node_path_namespaceObject.join)(dir, "blobs", "sha256", digestHex(digest));
}
async function writeAtomic(path, data) {
    const tmp = `${path}.tmp-${process.pid}-${(0,external_node_crypto_namespaceObject.randomBytes)(4).toString("hex")}`;
    try {
        await (0,promises_namespaceObject.writeFile)(tmp, data);
        await (0,promises_namespaceObject.rename)(tmp, path);
    }
    catch (err) {
        await (0,promises_namespaceObject.rm)(tmp, { force: true });
        throw err;
    }
}
async function readIfExists(path) {
    try {
        return await (0,promises_namespaceObject.readFile)(path);
    }
    catch (err) {
        if (err.code === "ENOENT")
            return undefined;
        throw err;
    }
}
/** Creates DIR/oci-layout and DIR/blobs/sha256 (no-op when they exist). */
async function initLayout(dir) {
    await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.join)(dir, "blobs", "sha256"), { recursive: true });
    const marker = canonicalJsonBytes({ imageLayoutVersion: OCI_LAYOUT_VERSION });
    const existing = await readIfExists((0,external_node_path_namespaceObject.join)(dir, "oci-layout"));
    if (!existing?.equals(marker))
        await writeAtomic((0,external_node_path_namespaceObject.join)(dir, "oci-layout"), marker);
}
/** Stores a blob under its digest; returns its digest and size. Skips the write when the same content is there. */
async function writeBlob(dir, data) {
    const digest = digest_digestOf(data);
    const path = blobPath(dir, digest);
    const existing = await readIfExists(path);
    if (!existing || existing.length !== data.length || digest_digestOf(existing) !== digest)
        await writeAtomic(path, data);
    return { digest, size: data.length };
}
/** Writes DIR/index.json listing `manifests` (top-level images, usually image indexes with a ref.name). */
async function writeLayoutIndex(dir, manifests) {
    const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests };
    const bytes = canonicalJsonBytes(index);
    const existing = await readIfExists((0,external_node_path_namespaceObject.join)(dir, "index.json"));
    if (!existing?.equals(bytes))
        await writeAtomic((0,external_node_path_namespaceObject.join)(dir, "index.json"), bytes);
}
/** Reads a blob and checks it against its digest. */
async function readBlob(dir, digest) {
    const path = blobPath(dir, digest);
    const data = await readIfExists(path);
    if (!data)
        throw new Error(`OCI layout ${dir}: blob ${digest} is missing (${path})`);
    verifyDigest(data, digest, `OCI layout ${dir}: blob ${path}`);
    return data;
}
async function readJsonBlob(dir, digest) {
    return JSON.parse((await readBlob(dir, digest)).toString("utf8"));
}
/** Reads DIR/oci-layout and DIR/index.json. */
async function readLayout(dir) {
    const marker = await readIfExists((0,external_node_path_namespaceObject.join)(dir, "oci-layout"));
    if (!marker)
        throw new Error(`${dir} is not an OCI image layout: it has no oci-layout file`);
    const version = JSON.parse(marker.toString("utf8")).imageLayoutVersion;
    if (version !== OCI_LAYOUT_VERSION)
        throw new Error(`OCI layout ${dir}: unsupported imageLayoutVersion ${JSON.stringify(version)}`);
    const raw = await readIfExists((0,external_node_path_namespaceObject.join)(dir, "index.json"));
    if (!raw)
        throw new Error(`OCI layout ${dir}: index.json is missing`);
    const index = JSON.parse(raw.toString("utf8"));
    if (index.schemaVersion !== 2 || !Array.isArray(index.manifests))
        throw new Error(`OCI layout ${dir}: index.json is not an image index`);
    return index;
}
/** The top-level descriptor named `ref` (its ref.name annotation), or the only one when `ref` is not given. */
function resolveRef(dir, index, ref) {
    const names = index.manifests.map((d) => d.annotations?.[ANNOTATIONS.refName]).filter((n) => n !== undefined);
    if (ref !== undefined) {
        const found = index.manifests.find((d) => d.annotations?.[ANNOTATIONS.refName] === ref);
        if (!found)
            throw new Error(`OCI layout ${dir} has no image named ${JSON.stringify(ref)}; it has: ${names.join(", ") || "none"}`);
        return found;
    }
    const [only, ...more] = index.manifests;
    if (!only || more.length > 0) {
        throw new Error(`OCI layout ${dir} holds ${index.manifests.length} images; name one (${names.join(", ") || "none named"})`);
    }
    return only;
}
/** Follows a top-level descriptor to its manifests, checking every JSON blob's digest on the way. */
async function readImage(dir, ref) {
    const root = resolveRef(dir, await readLayout(dir), ref);
    const manifestOf = async (d) => ({ descriptor: d, manifest: await readJsonBlob(dir, d.digest) });
    if (MANIFEST_MEDIA_TYPES.includes(root.mediaType))
        return { root, manifests: [await manifestOf(root)] };
    if (!INDEX_MEDIA_TYPES.includes(root.mediaType))
        throw new Error(`OCI layout ${dir}: unsupported media type ${root.mediaType}`);
    const index = await readJsonBlob(dir, root.digest);
    const unsupported = index.manifests.find((d) => !MANIFEST_MEDIA_TYPES.includes(d.mediaType));
    if (unsupported)
        throw new Error(`OCI layout ${dir}: nested ${unsupported.mediaType} ${unsupported.digest} is not supported`);
    return { root, manifests: await Promise.all(index.manifests.map(manifestOf)) };
}

;// CONCATENATED MODULE: ./src/oci/reference.ts
/**
 * Image references: [registry/]repository[:tag][@digest], as docker reads them. A first path
 * component is a registry only when it looks like a host (has "." or ":", or is "localhost");
 * otherwise the registry is Docker Hub and one-component names get "library/".
 */

const DOCKER_HUB = "docker.io";
const DOCKER_HUB_API = "registry-1.docker.io";
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
function isTag(s) {
    return TAG.test(s);
}
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
/** A repository name inside a registry: "kimigayo", "owner/kimigayo" (no host, tag or digest). */
function isRepositoryName(s) {
    return s.length <= 255 && REPOSITORY.test(s);
}
function parseReference(ref) {
    const bad = (why) => new Error(`${JSON.stringify(ref)} is not an image reference (${why}); expected [registry/]name[:tag][@sha256:…]`);
    let rest = ref;
    let digest;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!isDigest(digest))
            throw bad(`bad digest ${JSON.stringify(digest)}`);
    }
    let tag;
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!isTag(tag))
            throw bad(`bad tag ${JSON.stringify(tag)}`);
    }
    const slash = rest.indexOf("/");
    const first = slash >= 0 ? rest.slice(0, slash) : "";
    const hasRegistry = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.startsWith("["));
    const registry = hasRegistry ? first : DOCKER_HUB;
    let repository = hasRegistry ? rest.slice(slash + 1) : rest;
    if (registry === DOCKER_HUB && !repository.includes("/"))
        repository = `library/${repository}`;
    if (!isRepositoryName(repository))
        throw bad(`bad repository name ${JSON.stringify(repository)}`);
    return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}
function formatReference(r) {
    return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ""}${r.digest !== undefined ? `@${r.digest}` : ""}`;
}
/** Loopback registries speak plain http (as docker treats 127.0.0.0/8 as insecure); others https unless `insecure`. */
function isLoopbackRegistry(registry) {
    const host = registry.replace(/:\d+$/, "");
    return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
/** "http://127.0.0.1:5000", "https://ghcr.io", "https://registry-1.docker.io". */
function registryBaseUrl(registry, insecure = false) {
    const host = registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
    return `${insecure || isLoopbackRegistry(registry) ? "http" : "https"}://${host}`;
}

;// CONCATENATED MODULE: ./src/oci/gzip.ts
/**
 * Deterministic gzip for layer blobs. zlib's deflate output depends only on the input bytes, the
 * level and the zlib version, but the gzip header also carries a modification time and an
 * operating-system byte. We fix both:
 * - MTIME (bytes 4..7) = 0, meaning "no time stamp";
 * - OS (byte 9) = 255, "unknown", the value Go's compress/gzip writes (so does BuildKit), rather
 *   than whatever the zlib build was compiled for (3 on Unix, 19 on macOS, 10 on Windows).
 * No optional header fields (FLG = 0), so there is no header CRC to update. XFL (byte 8) follows
 * from the level: 2 for level 9.
 *
 * Caveat: Node bundles Chromium's zlib, whose deflate picks matches with its own hash, so its
 * output differs from canonical zlib's (measured: 1,050,968 vs 1,027,641 B for a 1.98 MB busybox
 * tar). The same zlib build gives the same bytes on any CPU; another build (another Node release)
 * may not. The layer digest then changes, the diff_id (digest of the tar) does not. The image
 * stage records process.versions.zlib for that reason.
 */


const GZIP_LEVEL = 9;
const GZIP_OS_UNKNOWN = 255;
function gzipLayer(tar) {
    const data = (0,external_node_zlib_namespaceObject.gzipSync)(tar, { level: GZIP_LEVEL });
    if (data[0] !== 0x1f || data[1] !== 0x8b || data[3] !== 0)
        throw new Error("internal: zlib wrote an unexpected gzip header");
    data.writeUInt32LE(0, 4);
    data[9] = GZIP_OS_UNKNOWN;
    return { data, digest: digest_digestOf(data), size: data.length, diffId: digest_digestOf(tar) };
}

;// CONCATENATED MODULE: ./src/stages/image.ts
/**
 * image stage, engine "oci" (no daemon): layer tars -> an OCI image layout holding one image
 * index with one manifest per platform. Each image has a single gzip layer (its rootfs tar).
 *
 * The same tar bytes and SOURCE_DATE_EPOCH give the same index digest: gzip is deterministic
 * (src/oci/gzip.ts), JSON is canonical (src/oci/json.ts), and every time stamp is the epoch.
 *
 * The image config's Cmd is /bin/sh, for `docker run -it IMAGE`. To boot the OS (BusyBox init
 * reading /etc/inittab), run `docker run IMAGE /sbin/init`; StopSignal is SIGTERM, which init
 * handles by running the shutdown actions.
 */







const IMAGE_ENV = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"];
const IMAGE_CMD = ["/bin/sh"];
const IMAGE_STOP_SIGNAL = "SIGTERM";
/** BusyBox's licence, which the image's only binary carries. */
const IMAGE_LICENSES = "GPL-2.0-only";
function ociPlatform(p) {
    const architecture = p.split("/")[1];
    return architecture === "arm64" ? { architecture, os: "linux", variant: "v8" } : { architecture, os: "linux" };
}
/** RFC 3339 in UTC, whole seconds: 1767225600 -> "2026-01-01T00:00:00Z". */
function rfc3339(epochSeconds) {
    return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
/** org.opencontainers.image.* annotations of the index and of each manifest; the config's Labels are these without ref.name. */
function imageAnnotations(opts) {
    const a = {
        [ANNOTATIONS.created]: rfc3339(opts.sourceDateEpoch),
        [ANNOTATIONS.version]: opts.config.version,
        [ANNOTATIONS.title]: `Kimigayo OS ${opts.variant.name}`,
        [ANNOTATIONS.licenses]: IMAGE_LICENSES,
        [ANNOTATIONS.refName]: opts.config.version,
    };
    if (opts.variant.description)
        a[ANNOTATIONS.description] = opts.variant.description;
    if (opts.revision)
        a[ANNOTATIONS.revision] = opts.revision;
    if (opts.source)
        a[ANNOTATIONS.source] = opts.source;
    return a;
}
function imageConfig(opts, platform, diffIds) {
    const created = rfc3339(opts.sourceDateEpoch);
    const { [ANNOTATIONS.refName]: _ref, ...labels } = imageAnnotations(opts);
    return {
        ...ociPlatform(platform),
        created,
        config: { Env: IMAGE_ENV, Cmd: IMAGE_CMD, Labels: labels, StopSignal: IMAGE_STOP_SIGNAL },
        rootfs: { type: "layers", diff_ids: diffIds },
        history: [{ created, created_by: `kimigayo build (${opts.variant.name}, busybox ${opts.config.busybox.version})` }],
    };
}
function ordered(rootfs) {
    const seen = new Set();
    for (const r of rootfs) {
        if (!PLATFORMS.includes(r.platform))
            throw new Error(`image: unsupported platform ${r.platform}`);
        if (seen.has(r.platform))
            throw new Error(`image: two layer tars for ${r.platform}`);
        seen.add(r.platform);
    }
    if (rootfs.length === 0)
        throw new Error("image: no layer tars given");
    return [...rootfs].sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform));
}
async function writeImage(dir, opts, platform, tarPath) {
    const tar = await (0,promises_namespaceObject.readFile)(tarPath);
    const layer = gzipLayer(tar);
    await writeBlob(dir, layer.data);
    const config = await writeBlob(dir, canonicalJsonBytes(imageConfig(opts, platform, [layer.diffId])));
    const manifest = {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: MEDIA_TYPES.ociConfig, ...config },
        layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, digest: layer.digest, size: layer.size }],
        annotations: imageAnnotations(opts),
    };
    const written = await writeBlob(dir, canonicalJsonBytes(manifest));
    opts.log.info(`image ${opts.variant.name} ${platform}: layer ${tar.length.toLocaleString("en-US")} B -> ${layer.size.toLocaleString("en-US")} B gzip, manifest ${written.digest}`);
    return {
        platform,
        ...written,
        config: config.digest,
        layers: [{ digest: layer.digest, size: layer.size, diffId: layer.diffId }],
        uncompressedSize: tar.length,
    };
}
/**
 * The multi-platform index over platform manifests, platforms in a fixed order. `kimigayo merge`
 * builds its index with this too, so an index merged from per-runner pushes is byte for byte the
 * one a single-runner build makes.
 */
function imageIndex(manifests, annotations) {
    return {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [...manifests]
            .sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform))
            .map((m) => ({ mediaType: MEDIA_TYPES.ociManifest, digest: m.digest, size: m.size, platform: ociPlatform(m.platform) })),
        annotations,
    };
}
async function buildImage(opts) {
    const end = opts.log.step(`image: ${opts.variant.name} (oci)`);
    const layout = (0,external_node_path_namespaceObject.join)(opts.outDir, "oci", opts.variant.name);
    // Built beside the final directory and renamed over it, so no blob of an older build lingers.
    const tmp = `${layout}.tmp-${process.pid}`;
    await (0,promises_namespaceObject.rm)(tmp, { recursive: true, force: true });
    try {
        await initLayout(tmp);
        const manifests = [];
        for (const r of ordered(opts.rootfs))
            manifests.push(await writeImage(tmp, opts, r.platform, r.tar));
        const index = imageIndex(manifests, imageAnnotations(opts));
        const written = await writeBlob(tmp, canonicalJsonBytes(index));
        const ref = opts.config.version;
        await writeLayoutIndex(tmp, [{ mediaType: MEDIA_TYPES.ociIndex, ...written, annotations: { [ANNOTATIONS.refName]: ref } }]);
        await (0,promises_namespaceObject.rm)(layout, { recursive: true, force: true });
        await (0,promises_namespaceObject.rename)(tmp, layout);
        opts.log.info(`image ${opts.variant.name}: index ${written.digest} (${manifests.length} platform(s)) in ${layout}`);
        return { layout, ref, index: written, manifests, zlib: process.versions.zlib ?? "unknown" };
    }
    finally {
        await (0,promises_namespaceObject.rm)(tmp, { recursive: true, force: true });
        end();
    }
}

;// CONCATENATED MODULE: ./src/stages/buildx.ts
/**
 * image stage, engine "buildx": the same image as the oci engine (src/stages/image.ts), built by
 * `docker buildx build` from a generated Dockerfile. Each variant's Dockerfile starts FROM
 * scratch and ADDs the platform's rootfs tar (ADD extracts a local tar), so nothing runs inside
 * the image and no QEMU is needed for either platform.
 *
 * Like docker/build-push-action, the options become a typed object and then argv (buildxArgs),
 * which the unit tests check row by row without running anything. buildWithBuildx prepares the
 * context, runs the argv and reads the image back from the OCI layout buildx wrote, into the
 * oci engine's result shape, so later stages do not care which engine built the image.
 *
 * Needs buildx 0.12 or later (the --annotation flag) and a builder that can export OCI layouts
 * (the docker-container driver, or the docker driver with the containerd image store).
 */












/** The first buildx with `--annotation` (0.12.0). */
const MIN_BUILDX_VERSION = "0.12.0";
/** One field of a buildx CSV option, quoted the way Go's encoding/csv reads it back. */
function csvField(s) {
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
function fail(variant, message) {
    throw new UsageError(`buildx ${variant}: ${message}`);
}
function checkedPlatforms(o) {
    if (o.platforms.length === 0)
        fail(o.variant, "no platform given");
    for (const p of o.platforms)
        if (!PLATFORMS.includes(p))
            fail(o.variant, `unsupported platform ${JSON.stringify(p)}; allowed: ${PLATFORMS.join(", ")}`);
    if (new Set(o.platforms).size !== o.platforms.length)
        fail(o.variant, `a platform is listed twice: ${o.platforms.join(",")}`);
    if (o.output.type === "docker" && o.platforms.length > 1)
        fail(o.variant, `the docker output (load into the engine) takes one platform, got ${o.platforms.join(",")}`);
    return [...o.platforms].sort((a, b) => PLATFORMS.indexOf(a) - PLATFORMS.indexOf(b));
}
function outputArgs(o) {
    const out = o.output;
    const fields = [];
    let tags = [];
    switch (out.type) {
        case "oci":
            if (!out.dest)
                fail(o.variant, "the oci output needs a destination directory");
            fields.push("type=oci", `dest=${out.dest}`, "tar=false");
            break;
        case "registry": {
            const ref = (() => {
                try {
                    return parseReference(out.image);
                }
                catch (err) {
                    return fail(o.variant, err.message);
                }
            })();
            if (ref.tag !== undefined || ref.digest !== undefined)
                fail(o.variant, `image ${JSON.stringify(out.image)}: leave out the tag or digest; pass tags`);
            for (const t of out.tags)
                if (!isTag(t))
                    fail(o.variant, `${JSON.stringify(t)} is not a valid tag (expected [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
            if (out.byDigest) {
                if (out.tags.length > 0)
                    fail(o.variant, "a push by digest takes no tags (the merge step tags the index)");
                fields.push("type=image", `name=${out.image}`, "push-by-digest=true", "name-canonical=true", "push=true", "oci-mediatypes=true");
            }
            else {
                if (out.tags.length === 0)
                    fail(o.variant, `no tag given for ${out.image}; pass at least one, or push by digest`);
                fields.push("type=image", "push=true", "oci-mediatypes=true");
                tags = [...new Set(out.tags)].map((t) => `${out.image}:${t}`);
            }
            break;
        }
        case "docker":
            try {
                parseReference(out.tag);
            }
            catch (err) {
                fail(o.variant, err.message);
            }
            fields.push("type=docker");
            tags = [out.tag];
            break;
    }
    if (o.rewriteTimestamp)
        fields.push("rewrite-timestamp=true");
    return { output: fields.map(csvField).join(","), tags };
}
function provenanceArg(p) {
    return typeof p === "boolean" ? String(p) : `mode=${p}`;
}
/** `docker buildx build …` argv (without the docker binary) for one variant. Pure: runs nothing. */
function buildxArgs(o) {
    const platforms = checkedPlatforms(o);
    if (!Number.isSafeInteger(o.sourceDateEpoch) || o.sourceDateEpoch < 0)
        fail(o.variant, `SOURCE_DATE_EPOCH ${o.sourceDateEpoch} is not a non-negative whole number of seconds`);
    const { output, tags } = outputArgs(o);
    const args = ["buildx", "build", "--file", o.dockerfile, "--platform", platforms.join(",")];
    args.push("--build-arg", `SOURCE_DATE_EPOCH=${o.sourceDateEpoch}`);
    // Index annotations fail on a single-platform export (BuildKit has no index to put them on),
    // and the docker exporter never writes an index.
    const levels = platforms.length > 1 && o.output.type !== "docker" ? ["index", "manifest"] : ["manifest"];
    const keys = Object.keys(o.annotations).sort();
    for (const level of levels)
        for (const k of keys)
            args.push("--annotation", `${level}:${k}=${o.annotations[k]}`);
    args.push("--output", output);
    for (const t of tags)
        args.push("--tag", t);
    if (o.provenance !== undefined)
        args.push(`--provenance=${provenanceArg(o.provenance)}`);
    if (o.sbom !== undefined)
        args.push(`--sbom=${o.sbom}`);
    for (const c of o.cacheFrom ?? [])
        args.push("--cache-from", c);
    for (const c of o.cacheTo ?? [])
        args.push("--cache-to", c);
    if (o.builder)
        args.push("--builder", o.builder);
    if (o.progress)
        args.push("--progress", o.progress);
    if (o.metadataFile)
        args.push("--metadata-file", o.metadataFile);
    args.push(o.contextDir);
    return args;
}
// ---------------------------------------------------------------------------
// Dockerfile and build context
// ---------------------------------------------------------------------------
/** The rootfs tar's name inside the build context, with ${TARGETARCH} left for BuildKit to fill. */
function contextTarName(variant, arch) {
    return `kimigayo-${variant}-${arch}.tar`;
}
/** A double-quoted Dockerfile word: `\`, `"` and `$` escaped (LABEL and ENV expand variables). */
function dockerfileString(s, what) {
    if (/[\r\n]/.test(s))
        throw new UsageError(`${what} contains a line break, which a Dockerfile cannot hold; use the oci engine or one line`);
    return `"${s.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}
/** The Dockerfile for one variant: the oci engine's image config, as Dockerfile instructions. */
function dockerfileFor(opts) {
    const { [ANNOTATIONS.refName]: _ref, ...labels } = imageAnnotations(opts);
    const labelLines = Object.keys(labels)
        .sort()
        .map((k) => `${dockerfileString(k, "a label key")}=${dockerfileString(labels[k], `label ${k}`)}`);
    const env = IMAGE_ENV.map((e) => {
        const eq = e.indexOf("=");
        return `ENV ${e.slice(0, eq)}=${dockerfileString(e.slice(eq + 1), `ENV ${e.slice(0, eq)}`)}`;
    });
    return [
        `# Generated by kimigayo build (engine buildx) for the ${opts.variant.name} variant; do not edit.`,
        "# No syntax directive: BuildKit's built-in frontend, so nothing is pulled.",
        "FROM scratch",
        "ARG TARGETARCH",
        `ADD rootfs/${contextTarName(opts.variant.name, "${TARGETARCH}")} /`,
        ...env,
        `LABEL ${labelLines.join(" \\\n      ")}`,
        `STOPSIGNAL ${IMAGE_STOP_SIGNAL}`,
        `CMD ${JSON.stringify(IMAGE_CMD)}`,
        "",
    ].join("\n");
}
/**
 * Writes contextDir/Dockerfile and puts each platform's rootfs tar at
 * contextDir/rootfs/kimigayo-<variant>-<arch>.tar (a hard link where it can, else a copy).
 * Anything else in contextDir/rootfs is removed, so the context holds only what the build reads.
 */
async function prepareContext(contextDir, opts) {
    await (0,promises_namespaceObject.rm)((0,external_node_path_namespaceObject.join)(contextDir, "rootfs"), { recursive: true, force: true });
    await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.join)(contextDir, "rootfs"), { recursive: true });
    for (const r of opts.rootfs) {
        const target = (0,external_node_path_namespaceObject.join)(contextDir, "rootfs", contextTarName(opts.variant.name, r.platform.split("/")[1]));
        try {
            await (0,promises_namespaceObject.link)(r.tar, target);
        }
        catch {
            await (0,promises_namespaceObject.copyFile)(r.tar, target);
        }
    }
    const dockerfile = (0,external_node_path_namespaceObject.join)(contextDir, "Dockerfile");
    await (0,promises_namespaceObject.writeFile)(dockerfile, dockerfileFor(opts));
    await (0,promises_namespaceObject.writeFile)((0,external_node_path_namespaceObject.join)(contextDir, ".dockerignore"), "*\n!Dockerfile\n!rootfs/*.tar\n");
    return { contextDir, dockerfile };
}
function versionAtLeast(version, min) {
    const parse = (v) => (/(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1, 4).map(Number);
    const a = parse(version);
    const b = parse(min);
    for (let i = 0; i < 3; i++)
        if ((a[i] ?? 0) !== (b[i] ?? 0))
            return (a[i] ?? 0) > (b[i] ?? 0);
    return true;
}
/** Parses `docker buildx version` output: "github.com/docker/buildx v0.12.1 30feaa1…" -> "v0.12.1". */
function parseBuildxVersion(stdout) {
    return /^\S*buildx\S*\s+(v?\d+\.\d+\.\d+\S*)/m.exec(stdout)?.[1];
}
/** Runs `docker buildx version` with dockerBin(); ok when it works and is new enough for --annotation. */
async function buildxAvailable(runner = run) {
    const docker = dockerBin();
    let r;
    try {
        r = await runner(docker, ["buildx", "version"], { timeoutMs: 30_000 });
    }
    catch (err) {
        return { ok: false, reason: `${docker} cannot be run: ${err.message}` };
    }
    if (r.code !== 0) {
        const said = (r.stderr || r.stdout).trim().split("\n")[0] ?? "";
        return { ok: false, reason: `\`${docker} buildx version\` exited with ${r.code}${said ? `: ${said}` : ""}` };
    }
    const version = parseBuildxVersion(r.stdout);
    if (version === undefined)
        return { ok: true, reason: `could not read a version from ${JSON.stringify(r.stdout.trim())}` };
    if (!versionAtLeast(version, MIN_BUILDX_VERSION))
        return { ok: false, version, reason: `buildx ${version} is older than ${MIN_BUILDX_VERSION}, the first with --annotation` };
    return { ok: true, version };
}
/** Parses `docker buildx inspect`: the builder's Name and Driver (the first of each: the builder, not its nodes). */
function parseBuildxInspect(stdout) {
    const name = /^Name:\s+(\S+)/m.exec(stdout)?.[1];
    const driver = /^Driver:\s+(\S+)/m.exec(stdout)?.[1];
    return { ...(name ? { name } : {}), ...(driver ? { driver } : {}) };
}
/**
 * Whether the builder (`builder`, else $BUILDX_BUILDER, else the current one) can export an OCI
 * layout: every driver but "docker" can, and "docker" only with the containerd image store.
 */
async function buildxBuilder(runner = run, builder) {
    const docker = dockerBin();
    const args = ["buildx", "inspect", ...(builder ? [builder] : [])];
    const r = await runner(docker, args, { timeoutMs: 60_000 }).catch((err) => ({ code: -1, stdout: "", stderr: err.message }));
    if (r.code !== 0) {
        const said = (r.stderr || r.stdout).trim().split("\n")[0] ?? "";
        return { ok: false, reason: `\`${docker} ${args.join(" ")}\` failed${said ? `: ${said}` : ""}` };
    }
    const { name, driver } = parseBuildxInspect(r.stdout);
    const found = { ...(name ? { name } : {}), ...(driver ? { driver } : {}) };
    if (driver !== "docker")
        return { ok: true, ...found };
    const info = await runner(docker, ["info", "--format", "{{json .DriverStatus}}"], { timeoutMs: 30_000 }).catch(() => undefined);
    if (info?.code === 0 && info.stdout.includes("io.containerd.snapshotter"))
        return { ok: true, ...found };
    return {
        ok: false,
        ...found,
        reason: `builder ${name ?? "(current)"} uses the docker driver, which cannot export an OCI layout without the containerd image store; ` +
            "create one that can: docker buildx create --use --driver docker-container",
    };
}
/** buildx works (buildxAvailable) and its builder can write the OCI layout buildWithBuildx asks for (buildxBuilder). */
async function buildxUsable(runner = run, builder) {
    const plugin = await buildxAvailable(runner);
    if (!plugin.ok)
        return plugin;
    const b = await buildxBuilder(runner, builder);
    return b.ok
        ? { ...plugin, builder: b }
        : { ok: false, ...(plugin.version ? { version: plugin.version } : {}), reason: b.reason, builder: b };
}
/** Reads the file written by --metadata-file. */
function parseBuildxMetadata(text, file = "metadata file") {
    let raw;
    try {
        raw = JSON.parse(text);
    }
    catch (err) {
        throw new Error(`buildx ${file} is not JSON: ${err.message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
        throw new Error(`buildx ${file} is not a JSON object`);
    const m = raw;
    const digest = m["containerimage.digest"];
    if (typeof digest !== "string" || !isDigest(digest))
        throw new Error(`buildx ${file} has no containerimage.digest (got ${JSON.stringify(digest)}); was an image exported?`);
    const descriptor = m["containerimage.descriptor"];
    const str = (k) => (typeof m[k] === "string" ? m[k] : undefined);
    return {
        digest,
        ...(descriptor && typeof descriptor === "object" ? { descriptor } : {}),
        ...(str("image.name") !== undefined ? { imageName: str("image.name") } : {}),
        ...(str("buildx.build.ref") !== undefined ? { buildRef: str("buildx.build.ref") } : {}),
        raw: m,
    };
}
const ATTESTATION = "vnd.docker.reference.type";
const GZIP_LAYER = /\+gzip$|\.tar\.gzip$/;
function platformOf(d, where) {
    const p = `${d?.os ?? "?"}/${d?.architecture ?? "?"}`;
    if (!PLATFORMS.includes(p))
        throw new Error(`${where}: unexpected platform ${p}`);
    return p;
}
/**
 * Names the image `ref` in the layout (its index.json lists only the image, with ref.name = ref,
 * as the oci engine writes it) and reads it back as the oci engine's result. Attestation
 * manifests (provenance, SBOM) stay in the index but are not platform images.
 */
async function layoutImageResult(layout, ref, rootDigest) {
    await initLayout(layout); // buildx < 0.11 wrote no oci-layout file with tar=false
    const top = await readLayout(layout);
    const root = top.manifests.find((d) => d.digest === rootDigest);
    if (!root)
        throw new Error(`OCI layout ${layout}: index.json does not list the built image ${rootDigest}`);
    await writeLayoutIndex(layout, [
        { mediaType: root.mediaType, digest: root.digest, size: root.size, annotations: { [ANNOTATIONS.refName]: ref } },
    ]);
    const image = await readImage(layout, ref);
    const manifests = [];
    for (const { descriptor, manifest } of image.manifests) {
        if (descriptor.annotations?.[ATTESTATION] === "attestation-manifest")
            continue;
        const config = await readJsonBlob(layout, manifest.config.digest);
        const platform = platformOf(descriptor.platform ?? config, `OCI layout ${layout}: manifest ${descriptor.digest}`);
        const diffIds = config.rootfs.diff_ids;
        if (diffIds.length !== manifest.layers.length)
            throw new Error(`OCI layout ${layout}: manifest ${descriptor.digest} has ${manifest.layers.length} layers, its config ${diffIds.length} diff_ids`);
        let uncompressedSize = 0;
        for (const l of manifest.layers) {
            const blob = await readBlob(layout, l.digest);
            uncompressedSize += GZIP_LAYER.test(l.mediaType) ? (0,external_node_zlib_namespaceObject.gunzipSync)(blob).length : blob.length;
        }
        manifests.push({
            platform,
            digest: descriptor.digest,
            size: descriptor.size,
            config: manifest.config.digest,
            layers: manifest.layers.map((l, i) => ({ digest: l.digest, size: l.size, diffId: diffIds[i] })),
            uncompressedSize,
        });
    }
    manifests.sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform));
    return { layout, ref, index: { digest: root.digest, size: root.size }, manifests };
}
/** Keeps the step lines of plain progress ("#5 [2/2] ADD …", "#5 DONE 0.1s", errors); the rest goes to debug. */
function progressLine(line) {
    return /^#\d+ (\[|DONE|ERROR|CACHED|exporting|naming|writing)|^ERROR|^error:/.test(line) ? "info" : "debug";
}
/** Builds the variant's image for every platform with buildx, into <outDir>/oci/<variant>, like buildImage. */
async function buildWithBuildx(opts) {
    const name = opts.variant.name;
    const end = opts.log.step(`image: ${name} (buildx)`);
    const layout = (0,external_node_path_namespaceObject.join)(opts.outDir, "oci", name);
    const tmp = `${layout}.tmp-${process.pid}`;
    const work = (0,external_node_path_namespaceObject.join)(opts.outDir, "buildx", name);
    try {
        const ctx = await prepareContext((0,external_node_path_namespaceObject.join)(work, "context"), opts);
        const metadataFile = (0,external_node_path_namespaceObject.join)(work, "metadata.json");
        await (0,promises_namespaceObject.rm)(metadataFile, { force: true });
        await (0,promises_namespaceObject.rm)(tmp, { recursive: true, force: true });
        const argv = buildxArgs({
            variant: name,
            platforms: opts.rootfs.map((r) => r.platform),
            contextDir: ctx.contextDir,
            dockerfile: ctx.dockerfile,
            output: { type: "oci", dest: tmp },
            annotations: imageAnnotations(opts),
            sourceDateEpoch: opts.sourceDateEpoch,
            provenance: opts.provenance ?? false,
            sbom: opts.sbom ?? false,
            progress: "plain",
            metadataFile,
            ...(opts.builder ? { builder: opts.builder } : {}),
            ...(opts.cacheFrom ? { cacheFrom: opts.cacheFrom } : {}),
            ...(opts.cacheTo ? { cacheTo: opts.cacheTo } : {}),
            ...(opts.rewriteTimestamp ? { rewriteTimestamp: true } : {}),
        });
        opts.log.debug(`${dockerBin()} ${argv.join(" ")}`);
        let pending = "";
        const onOutput = (chunk) => {
            const lines = (pending + chunk).split("\n");
            pending = lines.pop() ?? "";
            for (const line of lines) {
                if (!line.trim())
                    continue;
                if (progressLine(line) === "info")
                    opts.log.info(`buildx ${name}: ${line}`);
                else
                    opts.log.debug(`buildx ${name}: ${line}`);
            }
        };
        const env = { ...process.env, SOURCE_DATE_EPOCH: String(opts.sourceDateEpoch) };
        await (opts.runner ?? runChecked)(dockerBin(), argv, { onOutput, env });
        if (pending.trim())
            opts.log.debug(`buildx ${name}: ${pending}`);
        const metadata = parseBuildxMetadata(await (0,promises_namespaceObject.readFile)(metadataFile, "utf8"), metadataFile);
        const read = await layoutImageResult(tmp, opts.config.version, metadata.digest);
        await (0,promises_namespaceObject.rm)(layout, { recursive: true, force: true });
        await (0,promises_namespaceObject.rename)(tmp, layout);
        opts.log.info(`image ${name}: ${metadata.digest} (${read.manifests.length} platform(s), buildx) in ${layout}`);
        return { ...read, layout, zlib: "buildkit", buildx: { argv, metadata } };
    }
    finally {
        await (0,promises_namespaceObject.rm)(tmp, { recursive: true, force: true });
        end();
    }
}

;// CONCATENATED MODULE: ./src/stages/engine.ts
/**
 * Which engine builds the image: "oci" (native, src/stages/image.ts, no daemon) or "buildx"
 * (src/stages/buildx.ts). "auto" picks buildx where `docker buildx version` works and the
 * builder can export an OCI layout (buildxUsable), and oci elsewhere; asking for buildx where it
 * is missing is a usage error (exit 2).
 */



const ENGINES = ["oci", "buildx"];
const ENGINE_REQUESTS = [...ENGINES, "auto"];
function parseEngine(s) {
    if (ENGINE_REQUESTS.includes(s))
        return s;
    throw new UsageError(`--engine ${JSON.stringify(s)} is not an image engine; allowed: ${ENGINE_REQUESTS.join(", ")}`);
}
async function resolveEngine(requested, probe = () => buildxUsable()) {
    if (requested === "oci")
        return { engine: "oci", reason: "--engine oci: the native engine (no daemon)" };
    const buildx = await probe();
    const b = buildx.builder;
    const version = `${buildx.version ? ` ${buildx.version}` : ""}${b?.name ? ` (builder ${b.name}${b.driver ? `, driver ${b.driver}` : ""})` : ""}`;
    if (requested === "buildx") {
        if (buildx.ok)
            return { engine: "buildx", reason: `--engine buildx: docker buildx${version}` };
        throw new UsageError(`--engine buildx: buildx is not available here (${buildx.reason ?? "unknown reason"}). ` +
            "Use --engine oci (the native engine: no daemon, no buildx), or set up buildx 0.12+ with a builder that can export OCI layouts.");
    }
    if (buildx.ok)
        return { engine: "buildx", reason: `--engine auto: docker buildx${version} works` };
    return {
        engine: "oci",
        reason: `--engine auto: buildx is not available (${buildx.reason ?? "unknown reason"}); using the native oci engine`,
    };
}
/** Builds one variant's image with `engine`; both engines write <outDir>/oci/<variant> and return the same shape. */
async function buildWithEngine(engine, opts) {
    if (engine === "buildx") {
        const { buildx: _buildx, ...result } = await buildWithBuildx(opts);
        return result;
    }
    return buildImage(opts);
}

;// CONCATENATED MODULE: ./src/lib/git.ts

/** A git query in `cwd`; undefined when git or the repository is missing. */
async function git(cwd, args) {
    const r = await run("git", args, { cwd }).catch(() => undefined);
    return r && r.code === 0 ? r.stdout.trim() : undefined;
}
const headSha = (cwd) => git(cwd, ["rev-parse", "HEAD"]);
const currentBranch = (cwd) => git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]);
/** Release tags (v*) that point at HEAD. */
const tagsAtHead = async (cwd) => ((await git(cwd, ["tag", "--points-at", "HEAD", "--list", "v*"])) ?? "").split("\n").filter(Boolean);
/** Every release tag (v*) in the repository. */
const releaseTags = async (cwd) => ((await git(cwd, ["tag", "--list", "v*"])) ?? "").split("\n").filter(Boolean);
const tagExists = async (cwd, tag) => (await git(cwd, ["rev-parse", "-q", "--verify", `refs/tags/${tag}`])) !== undefined;
const remoteUrl = (cwd) => git(cwd, ["config", "--get", "remote.origin.url"]);

;// CONCATENATED MODULE: ./src/pipeline/build.ts
/**
 * The build pipeline: config -> source -> busybox -> rootfs, for each variant and platform.
 * Its result is plain data (JSON-serialisable), written to <out>/build.json, so later stages
 * and other runners can start from it.
 */









function effectiveEpoch(cfg) {
    const env = process.env.SOURCE_DATE_EPOCH;
    return env && /^\d+$/.test(env) ? Number(env) : cfg.sourceDateEpoch;
}
async function runBuild(req) {
    const { config: cfg, log } = req;
    const t0 = Date.now();
    const outDir = (0,external_node_path_namespaceObject.resolve)(req.outDir);
    const epoch = effectiveEpoch(cfg);
    const endSource = log.step(`source: BusyBox ${cfg.busybox.version}`);
    const source = await fetchSource(cfg, { log, ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}) });
    const tree = await prepareSourceTree(cfg, source, log, req.cacheDir);
    endSource();
    const tSource = (Date.now() - t0) / 1000;
    const cores = (0,external_node_os_namespaceObject.cpus)().length;
    const parallel = Math.max(1, Math.min(req.parallel ?? Math.min(req.platforms.length, cores), cores));
    const jobs = Math.max(1, Math.floor(cores / parallel));
    const work = req.variants.flatMap((v) => req.platforms.map((p) => ({ v, p })));
    log.info(`building ${work.length} image(s): ${parallel} at a time, make -j${jobs} each`);
    let done = 0;
    const images = await mapLimit(work, parallel, async ({ v, p }) => {
        const label = `${v.name} ${p}`;
        const t1 = Date.now();
        const bb = await buildBusybox(cfg, v, p, tree, {
            log,
            jobs,
            sourceDateEpoch: epoch,
            ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}),
        });
        const t2 = Date.now();
        const fs = await buildRootfs(cfg, v, bb, { log, outDir, sourceDateEpoch: epoch });
        const t3 = Date.now();
        for (const u of fs.services.unavailable)
            log.warn(`${label}: service ${u.name} not available: ${u.reason}`);
        for (const n of fs.services.notes)
            log.info(`${label}: ${n}`);
        done++;
        log.info(`[${done}/${work.length}] ${label}: busybox ${bb.size.toLocaleString("en-US")} B, ${bb.applets.length} applets, ` +
            `static ${bb.elf.static ? "✓" : "✗"}, rootfs ${fs.size.toLocaleString("en-US")} B (cache ${bb.hit ? "hit" : "miss"})`);
        const image = {
            variant: v.name,
            platform: p,
            busybox: {
                binary: bb.binary,
                size: bb.size,
                sha256: bb.sha256,
                applets: bb.applets.map((a) => a.name),
                static: bb.elf.static,
                stripped: bb.elf.stripped,
                machine: bb.elf.machine,
                cache: bb.hit ? "hit" : "miss",
            },
            rootfs: { tar: fs.tar, size: fs.size, sha256: fs.sha256, files: fs.files },
            services: fs.services,
            seconds: { busybox: (t2 - t1) / 1000, rootfs: (t3 - t2) / 1000 },
        };
        return image;
    });
    let layouts;
    let engine;
    if (req.engine !== "none") {
        engine = await resolveEngine(req.engine ?? "auto");
        log.info(`image engine: ${engine.engine} (${engine.reason})`);
        const repoDir = req.repoDir ?? process.cwd();
        const revision = process.env.GITHUB_SHA ?? (await headSha(repoDir));
        const source = process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY
            ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}`
            : await remoteUrl(repoDir);
        layouts = [];
        for (const v of req.variants) {
            const t = Date.now();
            const rootfs = images.filter((i) => i.variant === v.name).map((i) => ({ platform: i.platform, tar: i.rootfs.tar }));
            const r = await buildWithEngine(engine.engine, {
                config: cfg,
                variant: v,
                rootfs,
                outDir,
                sourceDateEpoch: epoch,
                log,
                ...(revision ? { revision } : {}),
                ...(source ? { source } : {}),
            });
            layouts.push({
                variant: v.name,
                engine: engine.engine,
                layout: r.layout,
                ref: r.ref,
                index: r.index,
                manifests: r.manifests,
                seconds: (Date.now() - t) / 1000,
            });
        }
    }
    const result = {
        config: cfg.file,
        version: cfg.version,
        sourceDateEpoch: epoch,
        busybox: {
            version: cfg.busybox.version,
            sha256: source.sha256,
            source: { cache: source.hit ? "hit" : "miss", ...(source.url ? { url: source.url } : {}), signature: source.signature },
        },
        out: outDir,
        images,
        ...(layouts ? { layouts } : {}),
        ...(engine ? { engine } : {}),
        seconds: { source: tSource, total: (Date.now() - t0) / 1000 },
    };
    await (0,promises_namespaceObject.mkdir)(outDir, { recursive: true });
    await (0,promises_namespaceObject.writeFile)((0,external_node_path_namespaceObject.join)(outDir, "build.json"), `${JSON.stringify(result, null, 2)}\n`);
    return result;
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/cli/args.ts


/** Options every command takes. */
const COMMON = {
    config: { type: "string", short: "c" },
    json: { type: "boolean" },
    verbose: { type: "boolean", short: "v" },
    help: { type: "boolean", short: "h" },
};
/** Strict parsing: an unknown flag or a missing value is a UsageError naming the flag and the usage. */
function parseCommandArgs(command, argv, options, usage) {
    try {
        return (0,external_node_util_namespaceObject.parseArgs)({ args: argv, options: { ...COMMON, ...options }, strict: true, allowPositionals: false }).values;
    }
    catch (e) {
        throw new UsageError(`${command}: ${e.message.replace(/\. To specify a positional argument.*$/s, "")}\n\n${usage}`);
    }
}
function str(v) {
    return typeof v === "string" ? v : undefined;
}

;// CONCATENATED MODULE: ./src/cli/table.ts
/** A plain-text table; columns listed in `right` are right-aligned. */
function table(head, rows, right = []) {
    const width = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? "")].length)));
    const cell = (s, i) => {
        const pad = " ".repeat(width[i] - [...s].length);
        return right.includes(i) ? pad + s : s + pad;
    };
    const line = (r) => r.map(cell).join("  ").trimEnd();
    return [line(head), line(width.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

;// CONCATENATED MODULE: ./src/cli/build.ts






const USAGE = `usage: kimigayo build [--variant V|all] [--platform P,...] [--engine oci|buildx|auto|none] [--out DIR] [--parallel N] [--config FILE] [--json]

Builds BusyBox (static, musl, cross-compiled) and the rootfs layer tar of each variant and platform.
  --variant   minimal, standard, extended, a comma list, or all (default: all)
  --platform  linux/amd64, linux/arm64 (or amd64, arm64), comma-separated (default: the config's)
  --out       output folder (default: out); writes rootfs/*.tar and build.json
  --engine    image engine: oci (native, no daemon), buildx, auto (buildx where it works, else oci; the default),
              or none (stop after the rootfs); writes an OCI image layout per variant to <out>/oci/<variant>
  --parallel  builds at a time (default: one per platform, up to the core count)`;
const buildCommand = {
    name: "build",
    summary: "build BusyBox and the rootfs of each variant and platform",
    usage: USAGE,
    async run(ctx) {
        const o = parseCommandArgs("build", ctx.argv, {
            variant: { type: "string" },
            platform: { type: "string" },
            out: { type: "string" },
            parallel: { type: "string" },
            engine: { type: "string" },
        }, USAGE);
        const cfg = await ctx.config(str(o.config));
        const variants = selectVariants(cfg, str(o.variant));
        const platforms = selectPlatforms(cfg, str(o.platform));
        const parallel = str(o.parallel);
        if (parallel !== undefined && !/^[1-9]\d*$/.test(parallel)) {
            throw new UsageError(`build: --parallel must be a positive integer, got "${parallel}"`);
        }
        const engineArg = str(o.engine) ?? "auto";
        const engine = engineArg === "none" ? "none" : parseEngine(engineArg);
        const result = await runBuild({
            engine,
            config: cfg,
            variants,
            platforms,
            outDir: str(o.out) ?? "out",
            log: ctx.log,
            ...(parallel ? { parallel: Number(parallel) } : {}),
        });
        ctx.log.info(`\n${formatBuild(result)}`);
        if (o.json)
            ctx.out.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
    },
};
function formatBuild(r) {
    const rows = r.images.map((i) => [
        i.variant,
        i.platform,
        i.busybox.size.toLocaleString("en-US"),
        String(i.busybox.applets.length),
        i.busybox.static ? "✓" : "✗",
        i.rootfs.size.toLocaleString("en-US"),
        i.busybox.cache,
        `${i.seconds.busybox.toFixed(1)} s`,
        `${i.seconds.rootfs.toFixed(2)} s`,
    ]);
    return [
        table(["variant", "platform", "busybox B", "applets", "static", "rootfs B", "cache", "busybox", "rootfs"], rows, [2, 3, 5, 7, 8]),
        `source: BusyBox ${r.busybox.version} (${r.busybox.source.cache}, ${r.seconds.source.toFixed(1)} s); total ${r.seconds.total.toFixed(1)} s`,
        ...(r.layouts ?? []).map((l) => `image ${l.variant} (${l.engine}): ${l.index.digest}, ${l.manifests.map((m) => m.platform).join(" + ")}, layout ${l.layout}`),
        `wrote ${r.out}/build.json and ${r.images.length} rootfs tar(s) in ${r.out}/rootfs/`,
    ].join("\n");
}

;// CONCATENATED MODULE: ./src/doctor/apt.ts
/** apt-get and dpkg, non-interactive, through src/lib/exec.ts. */

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
/** Wait for a dpkg lock held by someone else (unattended-upgrades on a fresh VM) instead of failing. */
const APT_OPTS = ["-o", "DPkg::Lock::Timeout=300", "-o", "Dpkg::Use-Pty=0"];
function aptRunOptions(log) {
    return {
        env: APT_ENV,
        onOutput: (chunk) => {
            for (const line of chunk.split("\n"))
                if (line.trim())
                    log.debug(line.trimEnd());
        },
    };
}
/** `apt-get update`, restricted to one sources file when `onlySourcesFile` is given. */
async function aptUpdate(log, onlySourcesFile) {
    const restrict = onlySourcesFile
        ? ["-o", `Dir::Etc::SourceList=${onlySourcesFile}`, "-o", "Dir::Etc::SourceParts=-", "-o", "APT::Get::List-Cleanup=0"]
        : [];
    try {
        await runChecked("apt-get", [...APT_OPTS, ...restrict, "update"], aptRunOptions(log));
    }
    catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (!/is expired/.test(msg))
            throw e;
        throw new Error(`${msg}\n(the clock of this machine or the mirror is off; a frozen mirror needs Acquire::Check-Valid-Until "false"; in /etc/apt/apt.conf.d/)`);
    }
}
async function aptInstall(packages, log) {
    await runChecked("apt-get", [
        ...APT_OPTS,
        "-o",
        "Dpkg::Options::=--force-confdef",
        "-o",
        "Dpkg::Options::=--force-confold",
        "install",
        "-y",
        "--no-install-recommends",
        ...packages,
    ], aptRunOptions(log));
}
/** The packages (optionally arch-qualified, "musl-dev:arm64") that dpkg does not have installed. */
async function notInstalled(packages) {
    const installed = await Promise.all(packages.map(async (p) => {
        const r = await run("dpkg-query", ["-W", "-f=${db:Status-Abbrev}", p]).catch(() => undefined);
        return r?.code === 0 && r.stdout.startsWith("ii");
    }));
    return packages.filter((_, i) => !installed[i]);
}
/** The packages for which apt knows no installation candidate (after apt-get update). */
async function unavailable(packages) {
    const native = await nativeArchitecture().catch(() => "");
    if (packages.length === 0)
        return [];
    const r = await run("apt-cache", ["policy", ...packages], { env: APT_ENV });
    const candidates = new Map();
    let current;
    for (const line of r.stdout.split("\n")) {
        const header = /^(\S+):$/.exec(line);
        if (header?.[1]) {
            current = header[1];
            continue;
        }
        const cand = /^\s+Candidate:\s*(\S+)/.exec(line);
        if (cand?.[1] && current)
            candidates.set(current, cand[1]);
    }
    // apt-cache lists native packages without their architecture, foreign ones with it.
    return packages.filter((p) => {
        const c = candidates.get(p) ?? (native && p.endsWith(`:${native}`) ? candidates.get(p.slice(0, -native.length - 1)) : undefined);
        return c === undefined || c === "(none)";
    });
}
async function nativeArchitecture() {
    return (await runChecked("dpkg", ["--print-architecture"])).stdout.trim();
}
async function foreignArchitectures() {
    const r = await run("dpkg", ["--print-foreign-architectures"]);
    return r.stdout.split(/\s+/).filter((a) => a !== "");
}
async function addArchitecture(arch) {
    await runChecked("dpkg", ["--add-architecture", arch]);
}

;// CONCATENATED MODULE: ./src/doctor/apt-sources.ts
/** Reading apt's source entries, in both formats: deb822 (*.sources) and one-line (sources.list, *.list). */


/** Entries of a deb822 .sources file. Paragraphs with `Enabled: no` are left out. */
function parseDeb822(text, file) {
    const entries = [];
    for (const para of text.split(/\n[ \t]*\n/)) {
        const fields = {};
        let last;
        for (const line of para.split("\n")) {
            if (line.startsWith("#"))
                continue;
            if (/^[ \t]/.test(line)) {
                if (last !== undefined && line.trim() !== "")
                    fields[last] += `\n${line}`;
                continue;
            }
            const m = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
            if (!m?.[1])
                continue;
            last = m[1].toLowerCase();
            fields[last] = (m[2] ?? "").trim();
        }
        if (!fields.types || fields.enabled?.toLowerCase() === "no")
            continue;
        const { types, uris, suites, components, ...options } = fields;
        delete options.enabled;
        const words = (v) => (v ?? "").split(/\s+/).filter((w) => w !== "");
        entries.push({ file, types: words(types), uris: words(uris), suites: words(suites), components: words(components), options });
    }
    return entries;
}
/** Entries of a one-line sources.list: `deb [opt=value ...] URI SUITE COMPONENT...`. */
function parseOneLine(text, file) {
    const entries = [];
    for (const raw of text.split("\n")) {
        const line = raw.replace(/#.*$/, "").trim();
        const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
        if (!m?.[1] || !m[3] || !m[4])
            continue;
        const options = {};
        for (const opt of (m[2] ?? "").trim().split(/\s+/)) {
            const [key, value] = opt.split("=", 2);
            if (!key || value === undefined)
                continue;
            options[key.toLowerCase() === "arch" ? "architectures" : key.toLowerCase()] = value.replaceAll(",", " ");
        }
        entries.push({
            file,
            types: [m[1]],
            uris: [m[3]],
            suites: [m[4]],
            components: (m[5] ?? "").split(/\s+/).filter((w) => w !== ""),
            options,
        });
    }
    return entries;
}
/** Every enabled entry under an apt configuration folder (normally /etc/apt). */
function readAptSources(aptDir = "/etc/apt") {
    const files = [];
    const main = (0,external_node_path_namespaceObject.join)(aptDir, "sources.list");
    if ((0,external_node_fs_namespaceObject.existsSync)(main))
        files.push(main);
    const partsDir = (0,external_node_path_namespaceObject.join)(aptDir, "sources.list.d");
    if ((0,external_node_fs_namespaceObject.existsSync)(partsDir)) {
        for (const name of (0,external_node_fs_namespaceObject.readdirSync)(partsDir).sort()) {
            if (name.endsWith(".list") || name.endsWith(".sources"))
                files.push((0,external_node_path_namespaceObject.join)(partsDir, name));
        }
    }
    const entries = [];
    for (const file of files) {
        let text;
        try {
            text = (0,external_node_fs_namespaceObject.readFileSync)(file, "utf8");
        }
        catch {
            continue;
        }
        entries.push(...(file.endsWith(".sources") ? parseDeb822(text, file) : parseOneLine(text, file)));
    }
    return entries;
}

;// CONCATENATED MODULE: ./src/doctor/binfmt.ts
/** QEMU user emulation for arm64 through the kernel's binfmt_misc. */




const BINFMT_DIR = "/proc/sys/fs/binfmt_misc";
const ENTRY = `${BINFMT_DIR}/qemu-aarch64`;
function parseBinfmtEntry(text) {
    const lines = text.split("\n").map((l) => l.trim());
    const entry = { enabled: lines[0] === "enabled" };
    for (const line of lines) {
        if (line.startsWith("interpreter "))
            entry.interpreter = line.slice("interpreter ".length);
        else if (line.startsWith("flags:"))
            entry.flags = line.slice("flags:".length).trim();
    }
    return entry;
}
function binfmtMounted() {
    return (0,external_node_fs_namespaceObject.existsSync)(`${BINFMT_DIR}/register`) || (0,external_node_fs_namespaceObject.existsSync)(`${BINFMT_DIR}/status`);
}
/**
 * The smallest static arm64 Linux program: one ELF header, one PT_LOAD segment and three
 * instructions that call exit(42). Running it proves the kernel hands arm64 binaries to QEMU.
 */
function tinyArm64Exit42() {
    const base = 0x400000n;
    const code = [0xd2800540 /* mov x0, #42 */, 0xd2800ba8 /* mov x8, #93 (exit) */, 0xd4000001 /* svc #0 */];
    const size = 64 + 56 + code.length * 4;
    const b = Buffer.alloc(size);
    b.write("\x7fELF", 0, "latin1");
    b[4] = 2; // ELFCLASS64
    b[5] = 1; // little endian
    b[6] = 1; // EV_CURRENT
    b.writeUInt16LE(2, 16); // ET_EXEC
    b.writeUInt16LE(183, 18); // EM_AARCH64
    b.writeUInt32LE(1, 20); // e_version
    b.writeBigUInt64LE(base + 120n, 24); // e_entry
    b.writeBigUInt64LE(64n, 32); // e_phoff
    b.writeUInt16LE(64, 52); // e_ehsize
    b.writeUInt16LE(56, 54); // e_phentsize
    b.writeUInt16LE(1, 56); // e_phnum
    b.writeUInt32LE(1, 64); // p_type PT_LOAD
    b.writeUInt32LE(5, 68); // p_flags R+X
    b.writeBigUInt64LE(0n, 72); // p_offset
    b.writeBigUInt64LE(base, 80); // p_vaddr
    b.writeBigUInt64LE(base, 88); // p_paddr
    b.writeBigUInt64LE(BigInt(size), 96); // p_filesz
    b.writeBigUInt64LE(BigInt(size), 104); // p_memsz
    b.writeBigUInt64LE(0x1000n, 112); // p_align
    code.forEach((insn, i) => b.writeUInt32LE(insn, 120 + i * 4));
    return b;
}
/** Runs the tiny arm64 program; undefined when it exits 42 as it should, else what went wrong. */
async function runArm64Probe() {
    const dir = (0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)((0,external_node_os_namespaceObject.tmpdir)(), "kimigayo-binfmt-"));
    const file = (0,external_node_path_namespaceObject.join)(dir, "exit42-arm64");
    try {
        (0,external_node_fs_namespaceObject.writeFileSync)(file, tinyArm64Exit42());
        (0,external_node_fs_namespaceObject.chmodSync)(file, 0o755);
        const r = await run(file, [], { timeoutMs: 10_000 });
        return r.code === 42 ? undefined : `an arm64 test program exited with ${r.code} instead of 42`;
    }
    catch (e) {
        return `an arm64 test program could not run (${e.code ?? String(e)})`;
    }
    finally {
        (0,external_node_fs_namespaceObject.rmSync)(dir, { recursive: true, force: true });
    }
}
async function checkBinfmt() {
    if (!binfmtMounted())
        return { ok: false, detail: `binfmt_misc is not mounted at ${BINFMT_DIR}` };
    if (!(0,external_node_fs_namespaceObject.existsSync)(ENTRY))
        return { ok: false, detail: "no qemu-aarch64 handler is registered in binfmt_misc" };
    const entry = parseBinfmtEntry((0,external_node_fs_namespaceObject.readFileSync)(ENTRY, "utf8"));
    const flags = entry.flags === undefined ? "no flags shown" : `flags ${entry.flags || "(none)"}`;
    const desc = `qemu-aarch64 ${entry.enabled ? "enabled" : "disabled"}, ${flags}, interpreter ${entry.interpreter ?? "?"}`;
    if (!entry.enabled)
        return { ok: false, detail: desc };
    if (entry.flags !== undefined && !entry.flags.includes("F")) {
        return { ok: false, detail: `${desc}: without the F (fix-binary) flag containers cannot find the interpreter` };
    }
    const failure = await runArm64Probe();
    if (failure)
        return { ok: false, detail: `${desc}; ${failure}` };
    return { ok: true, detail: `${desc}; an arm64 test program ran` };
}
/** Mounts binfmt_misc when it is not; returns the actions taken. */
async function mountBinfmt() {
    if (binfmtMounted())
        return [];
    const r = await run("mount", ["-t", "binfmt_misc", "binfmt_misc", BINFMT_DIR]);
    if (r.code !== 0) {
        throw new Error(`mount -t binfmt_misc binfmt_misc ${BINFMT_DIR} failed: ${r.stderr.trim()} ` +
            "(inside a container, run it privileged or mount binfmt_misc on the host)");
    }
    return [`mount -t binfmt_misc binfmt_misc ${BINFMT_DIR}`];
}
/** Registers (or re-enables) qemu-aarch64 with the flags from binfmt-support's qemu-user-static entry. */
async function enableBinfmt(log) {
    const actions = await mountBinfmt();
    if ((0,external_node_fs_namespaceObject.existsSync)(ENTRY)) {
        const entry = parseBinfmtEntry((0,external_node_fs_namespaceObject.readFileSync)(ENTRY, "utf8"));
        if (entry.flags !== undefined && !entry.flags.includes("F")) {
            // Registered by something else without fix-binary: drop it so update-binfmts can register ours.
            (0,external_node_fs_namespaceObject.writeFileSync)(ENTRY, "-1");
            actions.push(`unregistered qemu-aarch64 (flags ${entry.flags || "none"}, no F)`);
        }
        else if (!entry.enabled) {
            (0,external_node_fs_namespaceObject.writeFileSync)(ENTRY, "1");
            actions.push("enabled qemu-aarch64 (echo 1 > /proc/sys/fs/binfmt_misc/qemu-aarch64)");
        }
    }
    if (!(0,external_node_fs_namespaceObject.existsSync)(ENTRY)) {
        const r = await runChecked("update-binfmts", ["--enable"]);
        log.debug(r.stderr.trim());
        actions.push("update-binfmts --enable");
    }
    return actions;
}

;// CONCATENATED MODULE: ./src/doctor/host.ts
/** Small facts about the host: who we run as, which OS, which processes, which files. */


function isRoot() {
    return process.getuid?.() === 0;
}
/** Fields of /etc/os-release (ID, VERSION_CODENAME, ...); empty when it cannot be read. */
function host_osRelease(file = "/etc/os-release") {
    let text;
    try {
        text = (0,external_node_fs_namespaceObject.readFileSync)(file, "utf8");
    }
    catch {
        return {};
    }
    const fields = {};
    for (const line of text.split("\n")) {
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
        if (m?.[1] && m[2] !== undefined)
            fields[m[1]] = m[2].replace(/^(["'])(.*)\1$/, "$2");
    }
    return fields;
}
function isUbuntu() {
    return host_osRelease().ID === "ubuntu";
}
/** True when systemd is the init system (PID 1), so services can be started through it. */
function systemdIsInit() {
    try {
        return (0,external_node_fs_namespaceObject.existsSync)("/run/systemd/system") && (0,external_node_fs_namespaceObject.readFileSync)("/proc/1/comm", "utf8").trim() === "systemd";
    }
    catch {
        return false;
    }
}
/** Running processes (from /proc) that match `pred`. */
function findProcesses(pred) {
    const found = [];
    let entries;
    try {
        entries = (0,external_node_fs_namespaceObject.readdirSync)("/proc");
    }
    catch {
        return found;
    }
    for (const name of entries) {
        if (!/^\d+$/.test(name))
            continue;
        try {
            const comm = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${name}/comm`, "utf8").trim();
            const argv = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${name}/cmdline`, "utf8")
                .split("\0")
                .filter((a) => a !== "");
            const info = { pid: Number(name), comm, argv };
            if (pred(info))
                found.push(info);
        }
        catch {
            // The process ended while we looked.
        }
    }
    return found;
}
/** A command name (looked up on PATH) or an absolute path; returns where it is, or undefined. */
async function locate(commandOrPath) {
    if (commandOrPath.startsWith("/"))
        return (0,external_node_fs_namespaceObject.existsSync)(commandOrPath) ? commandOrPath : undefined;
    return which(commandOrPath);
}
/** The first dotted version number a program prints for `args`, or undefined. */
async function versionOf(cmd, args) {
    const r = await run(cmd, args, { timeoutMs: 10_000 }).catch(() => undefined);
    if (!r)
        return undefined;
    return /\d+(?:\.\d+)+/.exec(`${r.stdout}\n${r.stderr}`)?.[0];
}
/** Polls `probe` every `intervalMs` until it returns true or `timeoutMs` passes. */
async function waitFor(probe, opts) {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
        if (await probe())
            return true;
        if (opts.stop?.() || Date.now() >= deadline)
            return false;
        await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
    }
}
/** The last lines of a log file, for error messages. */
function host_tail(file, lines = 10) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    }
    catch {
        return "";
    }
}

;// CONCATENATED MODULE: ./src/doctor/services.ts
/** The two daemons the pipeline talks to: dockerd and a local registry on 127.0.0.1:5000. */





// ---------------------------------------------------------------- dockerd
const DOCKERD_LOG = "/var/log/kimigayo-dockerd.log";
const DOCKERD_WAIT_MS = 30_000;
/**
 * `docker info` through the client the pipeline uses. Plain output, not --format: with a
 * template the 20.10 client hides why it could not reach the daemon.
 */
async function checkDockerd() {
    const bin = dockerBin();
    const r = await run(bin, ["info"], { timeoutMs: 20_000 }).catch((e) => ({
        code: -1,
        stdout: "",
        stderr: e.code === "ENOENT" ? `no docker client (${bin} not found)` : `${bin}: ${e.code ?? e.message}`,
    }));
    const field = (name) => new RegExp(`^\\s*${name}:\\s*(.+)$`, "m").exec(r.stdout)?.[1]?.trim();
    const version = field("Server Version");
    if (r.code === 0 && version) {
        const driver = field("Storage Driver");
        return { ok: true, detail: `Docker Engine ${version}${driver ? `, storage ${driver}` : ""} (docker info via ${bin})` };
    }
    const lines = `${r.stdout}\n${r.stderr}`.split("\n").map((l) => l.trim());
    const why = lines
        .find((l) => /^ERROR:|Cannot connect|permission denied|error during connect|not found/i.test(l) && !l.startsWith("WARNING"))
        ?.replace(/^ERROR:\s*/, "") ??
        lines.find((l) => l !== "") ??
        `exit ${r.code}`;
    const hint = /permission denied/i.test(why) ? " (run as root, or add this user to the docker group)" : "";
    return { ok: false, detail: `docker info failed: ${why}${hint}` };
}
async function dockerAnswers() {
    return (await checkDockerd()).ok;
}
/** Starts dockerd unless one already runs: through systemd when it is init, else detached. */
async function startDockerd(log) {
    if (await dockerAnswers())
        return [];
    const host = process.env.DOCKER_HOST;
    if (host && host !== "unix:///var/run/docker.sock") {
        throw new Error(`DOCKER_HOST=${host} points at another daemon; doctor starts only the local one (unset DOCKER_HOST to use it)`);
    }
    const running = findProcesses((p) => p.comm === "dockerd");
    if (running.length > 0) {
        const pids = running.map((p) => p.pid).join(", ");
        log.info(`dockerd (pid ${pids}) is running but does not answer yet; waiting up to ${DOCKERD_WAIT_MS / 1000} s`);
        if (await waitFor(dockerAnswers, { timeoutMs: DOCKERD_WAIT_MS }))
            return [`waited for the running dockerd (pid ${pids})`];
        throw new Error(`dockerd (pid ${pids}) runs but docker info still fails: ${(await checkDockerd()).detail}`);
    }
    if (systemdIsInit()) {
        await runChecked("systemctl", ["start", "docker"]);
        if (await waitFor(dockerAnswers, { timeoutMs: DOCKERD_WAIT_MS }))
            return ["systemctl start docker"];
        throw new Error(`systemctl start docker ran but docker info still fails; see journalctl -u docker`);
    }
    const dockerd = await which("dockerd");
    if (!dockerd)
        throw new Error("dockerd is not installed (apt-get install docker.io)");
    const end = log.step(`starting dockerd (log ${DOCKERD_LOG})`);
    const child = await spawnDetached(dockerd, [], { logFile: DOCKERD_LOG, cwd: "/" });
    const up = await waitFor(dockerAnswers, { timeoutMs: DOCKERD_WAIT_MS, stop: () => child.exitStatus() !== undefined });
    end();
    if (!up) {
        const status = child.exitStatus();
        const how = status ? `exited (${status.signal ?? `code ${status.code}`})` : `did not answer within ${DOCKERD_WAIT_MS / 1000} s`;
        throw new Error(`dockerd (pid ${child.pid}) ${how}; last lines of ${DOCKERD_LOG}:\n${host_tail(DOCKERD_LOG)}`);
    }
    return [`started dockerd (pid ${child.pid}, log ${DOCKERD_LOG})`];
}
// ---------------------------------------------------------------- registry
const REGISTRY_CONFIG = "/etc/kimigayo/registry.yml";
const REGISTRY_STORAGE = "/var/lib/kimigayo-registry";
const REGISTRY_LOG = "/var/log/kimigayo-registry.log";
const REGISTRY_WAIT_MS = 20_000;
/** The docker-registry (distribution 2.8) configuration doctor writes. */
function registryConfig(opts = {}) {
    return [
        "# Written by `kimigayo doctor --fix`: the local registry the pipeline pushes to.",
        "version: 0.1",
        "log:",
        "  level: info",
        "storage:",
        "  filesystem:",
        `    rootdirectory: ${opts.rootdirectory ?? REGISTRY_STORAGE}`,
        "  delete:",
        "    enabled: true",
        "http:",
        `  addr: ${opts.addr ?? DEFAULT_REGISTRY}`,
        "  headers:",
        "    X-Content-Type-Options: [nosniff]",
        "",
    ].join("\n");
}
/** GET http://ADDR/v2/: 200 with a Docker-Distribution-Api-Version header is a usable registry. */
async function probeRegistry(addr = DEFAULT_REGISTRY, timeoutMs = 3000) {
    const url = `http://${addr}/v2/`;
    let res;
    // A timer of our own, not AbortSignal.timeout: that one is unref'd and would not keep the process alive.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
        res = await fetch(url, { signal: abort.signal });
        await res.body?.cancel().catch(() => undefined);
    }
    catch (e) {
        const cause = e.cause;
        if (cause?.code === "ECONNREFUSED")
            return { state: "free", detail: `nothing listens on ${addr}` };
        const why = abort.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? String(e));
        return { state: "taken", detail: `port ${addr} is held by something that does not answer like a registry (GET ${url}: ${why})` };
    }
    finally {
        clearTimeout(timer);
    }
    const api = res.headers.get("docker-distribution-api-version");
    if (res.status === 200 && api)
        return { state: "ok", detail: `registry (${api}) answers ${url}` };
    if (api && res.status === 401) {
        return {
            state: "taken",
            detail: `a registry on ${addr} requires authentication (GET ${url}: HTTP 401); the pipeline needs an open one`,
        };
    }
    return {
        state: "taken",
        detail: `port ${addr} is held by something that is not a registry (GET ${url}: HTTP ${res.status}${api ? "" : ", no Docker-Distribution-Api-Version header"})`,
    };
}
async function checkRegistry() {
    const p = await probeRegistry();
    return { ok: p.state === "ok", detail: p.detail };
}
async function registryAnswers() {
    return (await probeRegistry()).state === "ok";
}
/** Writes the config file when its content differs; returns the actions taken. */
function writeRegistryConfig(file = REGISTRY_CONFIG) {
    const want = registryConfig();
    if ((0,external_node_fs_namespaceObject.existsSync)(file) && (0,external_node_fs_namespaceObject.readFileSync)(file, "utf8") === want)
        return [];
    (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.dirname)(file), { recursive: true });
    (0,external_node_fs_namespaceObject.writeFileSync)(file, want);
    return [`wrote ${file}`];
}
/** Starts `docker-registry serve /etc/kimigayo/registry.yml` detached, unless a registry already answers. */
async function startRegistry(log) {
    const probe = await probeRegistry();
    if (probe.state === "ok")
        return [];
    if (probe.state === "taken")
        throw new Error("not started: find what holds the port with ss -ltnp 'sport = :5000', stop it and rerun");
    const actions = writeRegistryConfig();
    (0,external_node_fs_namespaceObject.mkdirSync)(REGISTRY_STORAGE, { recursive: true });
    const ours = findProcesses((p) => p.argv.includes("serve") && p.argv.includes(REGISTRY_CONFIG));
    if (ours.length > 0) {
        const pids = ours.map((p) => p.pid).join(", ");
        log.info(`docker-registry (pid ${pids}) is running but does not answer yet; waiting`);
        if (await waitFor(registryAnswers, { timeoutMs: REGISTRY_WAIT_MS }))
            return [...actions, `waited for the running docker-registry (pid ${pids})`];
        throw new Error(`docker-registry (pid ${pids}) runs but ${DEFAULT_REGISTRY} does not answer; see ${REGISTRY_LOG}`);
    }
    const bin = await which("docker-registry");
    if (!bin)
        throw new Error("docker-registry is not installed (apt-get install docker-registry)");
    const end = log.step(`starting docker-registry (log ${REGISTRY_LOG})`);
    const child = await spawnDetached(bin, ["serve", REGISTRY_CONFIG], { logFile: REGISTRY_LOG, cwd: "/" });
    const up = await waitFor(registryAnswers, { timeoutMs: REGISTRY_WAIT_MS, intervalMs: 250, stop: () => child.exitStatus() !== undefined });
    end();
    if (!up) {
        const status = child.exitStatus();
        const how = status ? `exited (${status.signal ?? `code ${status.code}`})` : `did not answer within ${REGISTRY_WAIT_MS / 1000} s`;
        throw new Error(`docker-registry (pid ${child.pid}) ${how}; last lines of ${REGISTRY_LOG}:\n${host_tail(REGISTRY_LOG)}`);
    }
    return [...actions, `started docker-registry (pid ${child.pid}, ${REGISTRY_CONFIG}, log ${REGISTRY_LOG})`];
}

;// CONCATENATED MODULE: ./src/doctor/prerequisites.ts





async function checkProvided(items) {
    const found = await Promise.all(items.map(async (item) => {
        const path = await locate(item.what);
        const version = path && item.versionArgs ? await versionOf(path, item.versionArgs) : undefined;
        return { item, path, version };
    }));
    const missing = found.filter((f) => !f.path);
    if (missing.length > 0) {
        return {
            ok: false,
            detail: `missing ${missing.map((f) => `${f.item.label ?? f.item.what} (${f.item.packages.join(", ")})`).join(", ")}`,
        };
    }
    return { ok: true, detail: found.map((f) => `${f.item.label ?? f.item.what}${f.version ? ` ${f.version}` : ""}`).join(", ") };
}
async function packagesFor(items) {
    const present = await Promise.all(items.map((i) => locate(i.what)));
    return [...new Set(items.filter((_, n) => !present[n]).flatMap((i) => i.packages))];
}
/** A prerequisite met by files that Debian packages provide. */
function providedBy(base, items) {
    const all = [...new Set(items.flatMap((i) => i.packages))];
    return {
        fixHint: `apt-get install -y --no-install-recommends ${all.join(" ")}`,
        ...base,
        check: () => checkProvided(items),
        missingPackages: () => packagesFor(items),
    };
}
// ---------------------------------------------------------------- arm64 on Ubuntu
const ARM64_MUSL = "musl-dev:arm64";
function ubuntuPortsHint() {
    const codename = host_osRelease().VERSION_CODENAME ?? "CODENAME";
    return ("Ubuntu serves arm64 packages only from ports.ubuntu.com, so musl-dev:arm64 needs a ports entry: " +
        "add `Architectures: amd64` to the entries in /etc/apt/sources.list.d/ubuntu.sources (or `[arch=amd64]` to the lines of /etc/apt/sources.list), " +
        "create /etc/apt/sources.list.d/ubuntu-ports.sources with " +
        `"Types: deb / URIs: http://ports.ubuntu.com/ubuntu-ports / Suites: ${codename} ${codename}-updates ${codename}-security / ` +
        'Components: main universe / Architectures: arm64 / Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg", ' +
        "then run dpkg --add-architecture arm64 && apt-get update && apt-get install -y musl-dev:arm64");
}
function aptServesUbuntuPorts() {
    return readAptSources().some((e) => e.types.includes("deb") && e.uris.some((u) => u.includes("ports.ubuntu.com")));
}
function arm64PackageMissingHint() {
    return isUbuntu()
        ? ubuntuPortsHint()
        : "check that an apt source for Debian main serves arm64 (dpkg --add-architecture arm64; apt-get update)";
}
// ---------------------------------------------------------------- the table
const CROSS_ARM64 = providedBy({
    id: "cross-arm64",
    title: "arm64 cross toolchain",
    needs: ["build-tools"],
    get fixHint() {
        const install = "dpkg --add-architecture arm64 && apt-get update && apt-get install -y --no-install-recommends musl-dev:arm64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross";
        return isUbuntu() ? `${install} (${ubuntuPortsHint()})` : install;
    },
    async beforeInstall(_log, packages) {
        if (!packages.some((p) => p.endsWith(":arm64")))
            return [];
        if ((await nativeArchitecture()) === "arm64" || (await foreignArchitectures()).includes("arm64"))
            return [];
        if (isUbuntu() && !aptServesUbuntuPorts())
            throw new Error(ubuntuPortsHint());
        await addArchitecture("arm64");
        return ["dpkg --add-architecture arm64"];
    },
}, [
    { what: "aarch64-linux-musl-gcc", packages: [ARM64_MUSL] },
    { what: "aarch64-linux-gnu-gcc", packages: ["gcc-aarch64-linux-gnu"], versionArgs: ["-dumpfullversion"] },
    {
        what: "/usr/aarch64-linux-gnu/include/asm",
        label: "arm64 kernel headers /usr/aarch64-linux-gnu/include/asm",
        packages: ["libc6-dev-arm64-cross", "linux-libc-dev-arm64-cross"],
    },
]);
const PREREQUISITES = [
    providedBy({ id: "build-tools", title: "build tools" }, [
        { what: "make", packages: ["make"], versionArgs: ["--version"] },
        { what: "gcc", packages: ["gcc"], versionArgs: ["-dumpfullversion"] },
        { what: "/usr/include/stdio.h", label: "libc headers", packages: ["libc6-dev"] },
        { what: "bzip2", packages: ["bzip2"], versionArgs: ["--version"] },
        { what: "xz", packages: ["xz-utils"], versionArgs: ["--version"] },
        { what: "patch", packages: ["patch"], versionArgs: ["--version"] },
        { what: "file", packages: ["file"], versionArgs: ["--version"] },
    ]),
    providedBy({ id: "musl-amd64", title: "musl toolchain (amd64)", needs: ["build-tools"] }, [
        { what: "musl-gcc", packages: ["musl-tools"] },
    ]),
    CROSS_ARM64,
    {
        ...providedBy({ id: "binfmt", title: "QEMU binfmt for arm64" }, [
            { what: "/usr/bin/qemu-aarch64-static", packages: ["qemu-user-static"] },
            { what: "update-binfmts", packages: ["binfmt-support"] },
        ]),
        fixHint: "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; apt-get install -y --no-install-recommends qemu-user-static binfmt-support; update-binfmts --enable",
        check: checkBinfmt,
        beforeInstall: () => mountBinfmt(),
        fix: enableBinfmt,
    },
    providedBy({
        id: "docker-client",
        title: "Debian docker client",
        fixHint: "apt-get install -y --no-install-recommends docker.io (provides /usr/bin/docker, which matches the engine)",
    }, [{ what: "/usr/bin/docker", packages: ["docker.io"], versionArgs: ["--version"] }]),
    {
        id: "dockerd",
        title: "Docker daemon",
        needs: ["docker-client"],
        fixHint: "dockerd >/var/log/kimigayo-dockerd.log 2>&1 &   (or: systemctl start docker)",
        check: checkDockerd,
        missingPackages: () => packagesFor([{ what: "dockerd", packages: ["docker.io"] }]),
        fix: startDockerd,
    },
    {
        id: "registry",
        title: "local registry 127.0.0.1:5000",
        fixHint: `apt-get install -y --no-install-recommends docker-registry; docker-registry serve ${REGISTRY_CONFIG} >/var/log/kimigayo-registry.log 2>&1 &   (config: storage /var/lib/kimigayo-registry, http addr 127.0.0.1:5000, delete enabled)`,
        check: checkRegistry,
        missingPackages: () => packagesFor([{ what: "docker-registry", packages: ["docker-registry"] }]),
        fix: startRegistry,
    },
    providedBy({ id: "skopeo", title: "skopeo" }, [{ what: "skopeo", packages: ["skopeo"], versionArgs: ["--version"] }]),
    providedBy({ id: "gpgv", title: "gpgv (BusyBox signatures)" }, [{ what: "gpgv", packages: ["gpgv"], versionArgs: ["--version"] }]),
];

;// CONCATENATED MODULE: ./src/doctor/doctor.ts




/**
 * The prerequisites in an order where each comes after the ones it needs, otherwise keeping the
 * table order. With `only`, the chosen ones plus everything they need. Unknown ids and cycles throw.
 */
function orderPrerequisites(list, only) {
    const byId = new Map(list.map((p) => [p.id, p]));
    for (const id of only ?? []) {
        if (!byId.has(id))
            throw new UsageError(`unknown prerequisite "${id}"; known: ${list.map((p) => p.id).join(", ")}`);
    }
    const ordered = [];
    const state = new Map();
    const visit = (p, path) => {
        if (state.get(p.id) === "done")
            return;
        if (state.get(p.id) === "visiting")
            throw new Error(`prerequisites form a cycle: ${[...path, p.id].join(" → ")}`);
        state.set(p.id, "visiting");
        for (const need of p.needs ?? []) {
            const dep = byId.get(need);
            if (!dep)
                throw new Error(`prerequisite "${p.id}" needs unknown "${need}"`);
            visit(dep, [...path, p.id]);
        }
        state.set(p.id, "done");
        ordered.push(p);
    };
    const roots = only ? list.filter((p) => only.includes(p.id)) : list;
    for (const p of roots)
        visit(p, []);
    return ordered;
}
async function safeCheck(p) {
    try {
        return await p.check();
    }
    catch (e) {
        return { ok: false, detail: `check failed: ${e instanceof Error ? e.message : String(e)}` };
    }
}
function message(e) {
    return e instanceof Error ? e.message : String(e);
}
function note(map, id, text) {
    map.set(id, [...(map.get(id) ?? []), text]);
}
/**
 * One `apt-get update` and one `apt-get install` for the packages every failing prerequisite
 * lacks. Packages apt cannot find are left out and reported on their prerequisite.
 */
async function installMissingPackages(failing, ledger, log) {
    const wanted = new Map();
    for (const p of failing) {
        if (!p.missingPackages)
            continue;
        try {
            const pkgs = await notInstalled(await p.missingPackages());
            if (pkgs.length > 0)
                wanted.set(p.id, pkgs);
        }
        catch (e) {
            note(ledger.errors, p.id, message(e));
        }
    }
    for (const p of failing) {
        const pkgs = wanted.get(p.id);
        if (!pkgs || !p.beforeInstall)
            continue;
        try {
            for (const a of await p.beforeInstall(log, pkgs)) {
                log.info(`${p.title}: ${a}`);
                note(ledger.actions, p.id, a);
            }
        }
        catch (e) {
            note(ledger.errors, p.id, message(e));
            wanted.delete(p.id);
        }
    }
    if (wanted.size === 0)
        return;
    const first = [...wanted.keys()][0] ?? "";
    let end = log.step("apt-get update");
    try {
        await aptUpdate(log);
        note(ledger.actions, first, "apt-get update");
    }
    catch (e) {
        // Often a third-party source fails while Debian's lists are fine: go on, install says if not.
        log.warn(`apt-get update failed, trying to install anyway: ${message(e)}`);
    }
    finally {
        end();
    }
    const all = [...new Set([...wanted.values()].flat())];
    const absent = new Set(await unavailable(all));
    for (const [id, pkgs] of wanted) {
        const gone = pkgs.filter((p) => absent.has(p));
        if (gone.length === 0)
            continue;
        const hint = gone.some((p) => p.endsWith(":arm64")) ? `; ${arm64PackageMissingHint()}` : "";
        note(ledger.errors, id, `apt has no installation candidate for ${gone.join(", ")}${hint}`);
        wanted.set(id, pkgs.filter((p) => !absent.has(p)));
    }
    const install = all.filter((p) => !absent.has(p));
    if (install.length === 0)
        return;
    end = log.step(`apt-get install ${install.join(" ")}`);
    try {
        await aptInstall(install, log);
        for (const [id, pkgs] of wanted) {
            if (pkgs.length > 0)
                note(ledger.actions, id, `apt-get install ${pkgs.join(" ")}`);
        }
    }
    catch (e) {
        for (const id of wanted.keys())
            note(ledger.errors, id, message(e));
    }
    finally {
        end();
    }
}
/**
 * Checks each prerequisite; with `fix`, installs the missing packages in one apt-get call, then
 * runs the remaining fixes in dependency order and checks again. Only a fix that is needed runs,
 * so a second `--fix` does nothing.
 */
async function doctor(opts) {
    const { log } = opts;
    const list = orderPrerequisites(PREREQUISITES, opts.only);
    const status = new Map();
    await Promise.all(list.map(async (p) => status.set(p.id, await safeCheck(p))));
    const ledger = { actions: new Map(), errors: new Map() };
    const failing = list.filter((p) => !status.get(p.id)?.ok);
    if (opts.fix && failing.length > 0) {
        if (!isRoot()) {
            const todo = failing.map((p) => `  ✗ ${p.title} — ${status.get(p.id)?.detail ?? ""}\n      ${p.fixHint}`).join("\n");
            throw new CheckFailure(`doctor --fix installs packages and starts daemons: run as root or with sudo: sudo kimigayo doctor --fix\n${todo}`);
        }
        await installMissingPackages(failing, ledger, log).catch((e) => {
            for (const p of failing)
                if (p.missingPackages)
                    note(ledger.errors, p.id, message(e));
        });
        for (const p of failing) {
            const blocked = (p.needs ?? []).filter((n) => status.get(n)?.ok === false);
            if (blocked.length > 0) {
                note(ledger.errors, p.id, `not fixed: needs ${blocked.join(", ")}`);
            }
            else if (p.fix) {
                try {
                    for (const a of await p.fix(log)) {
                        log.info(`${p.title}: ${a}`);
                        note(ledger.actions, p.id, a);
                    }
                }
                catch (e) {
                    note(ledger.errors, p.id, message(e));
                }
            }
            status.set(p.id, await safeCheck(p));
        }
    }
    const items = list.map((p) => {
        const s = status.get(p.id) ?? { ok: false, detail: "not checked" };
        const errors = ledger.errors.get(p.id) ?? [];
        const detail = !s.ok && errors.length > 0 ? `${s.detail} (fix failed: ${errors.join("; ")})` : s.detail;
        return { id: p.id, title: p.title, ok: s.ok, detail, fixHint: p.fixHint, fixed: ledger.actions.get(p.id) ?? [] };
    });
    return { ok: items.every((i) => i.ok), items };
}
/** One line per item: "✓ title — detail", or "✗ title — detail" followed by "    fix: fixHint". */
function formatDoctor(r) {
    return r.items.map((i) => (i.ok ? `✓ ${i.title} — ${i.detail}` : `✗ ${i.title} — ${i.detail}\n    fix: ${i.fixHint}`)).join("\n");
}

;// CONCATENATED MODULE: ./src/doctor/debian-source.ts
/**
 * The upstream BusyBox tarball and its signature, taken from Debian's source package, for
 * machines that cannot reach busybox.net. Debian keeps the upstream .orig tarball byte for byte.
 */






const DEB_SRC_FILE = "kimigayo-deb-src.sources";
const SID_SUITES = ["sid", "unstable"];
/** An enabled deb-src entry for Debian sid, if any. */
function findDebSrcSid(entries) {
    return entries.find((e) => e.types.includes("deb-src") && e.suites.some((s) => SID_SUITES.includes(s)));
}
/**
 * The deb822 text of a deb-src sid entry, with URIs and Signed-By copied from the system's
 * Debian entry: debian.sources first, else the first `deb` line of sources.list.
 */
function debSrcSidEntry(aptDir = "/etc/apt") {
    const isMainArchive = (e) => e.types.includes("deb") && !e.uris.some((u) => u.includes("security")) && !e.suites.every((s) => s.endsWith("-security"));
    const debianSources = (0,external_node_path_namespaceObject.join)(aptDir, "sources.list.d", "debian.sources");
    const sourcesList = (0,external_node_path_namespaceObject.join)(aptDir, "sources.list");
    const template = ((0,external_node_fs_namespaceObject.existsSync)(debianSources) ? parseDeb822((0,external_node_fs_namespaceObject.readFileSync)(debianSources, "utf8"), debianSources).find(isMainArchive) : undefined) ??
        ((0,external_node_fs_namespaceObject.existsSync)(sourcesList)
            ? parseOneLine((0,external_node_fs_namespaceObject.readFileSync)(sourcesList, "utf8"), sourcesList).find((e) => e.types.includes("deb"))
            : undefined);
    if (!template?.uris.length) {
        throw new Error(`no Debian apt entry found to copy (looked at ${debianSources} and ${sourcesList}); ` +
            `write ${(0,external_node_path_namespaceObject.join)(aptDir, "sources.list.d", DEB_SRC_FILE)} by hand: Types: deb-src / URIs: http://deb.debian.org/debian / Suites: sid / Components: main / Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg`);
    }
    const signedBy = template.options["signed-by"];
    return [
        "# Written by kimigayo: Debian sid source packages, for the BusyBox upstream tarball.",
        "Types: deb-src",
        `URIs: ${template.uris.join(" ")}`,
        "Suites: sid",
        "Components: main",
        ...(signedBy ? [`Signed-By: ${signedBy}`] : []),
        "",
    ].join("\n");
}
/** Makes sure apt has a deb-src sid entry; returns its file and whether it was just written. */
function ensureDebSrcSid(aptDir = "/etc/apt") {
    const existing = findDebSrcSid(readAptSources(aptDir));
    if (existing)
        return { file: existing.file, created: false };
    const file = (0,external_node_path_namespaceObject.join)(aptDir, "sources.list.d", DEB_SRC_FILE);
    (0,external_node_fs_namespaceObject.writeFileSync)(file, debSrcSidEntry(aptDir));
    return { file, created: true };
}
/** "1:1.38.0-3" → { upstream: "1.38.0", noEpoch: "1.38.0-3" }. */
function splitDebianVersion(version) {
    const noEpoch = version.replace(/^\d+:/, "");
    const dash = noEpoch.lastIndexOf("-");
    return { upstream: dash > 0 ? noEpoch.slice(0, dash) : noEpoch, noEpoch };
}
/** The upstream tarball (.orig.tar.gz/.bz2/.xz, not its .asc) of `pkg` at `upstream` in `dir`. */
function findOrigTarball(dir, pkg, upstream) {
    const prefix = `${pkg}_${upstream}.orig.tar.`;
    const name = (0,external_node_fs_namespaceObject.readdirSync)(dir).find((n) => n.startsWith(prefix) && !n.endsWith(".asc"));
    return name ? (0,external_node_path_namespaceObject.join)(dir, name) : undefined;
}
const SIGNING_KEY = "debian/upstream/signing-key.asc";
/**
 * Downloads a source package with `apt-get source --download-only` (unless its upstream tarball
 * is already in `dest`) and returns the upstream tarball, its upstream signature, the upstream
 * signing key that Debian ships in debian/upstream/signing-key.asc and that key dearmored
 * (signing-key.gpg), ready for `gpgv --keyring KEYRING SIGNATURE TARBALL`.
 */
async function debianOrigTarball(opts) {
    const { log, dest } = opts;
    const pkg = opts.sourcePackage ?? "busybox";
    const { upstream, noEpoch } = splitDebianVersion(opts.sourcePackageVersion);
    const debianTar = (0,external_node_path_namespaceObject.join)(dest, `${pkg}_${noEpoch}.debian.tar.xz`);
    const keyFile = (0,external_node_path_namespaceObject.join)(dest, SIGNING_KEY);
    (0,external_node_fs_namespaceObject.mkdirSync)(dest, { recursive: true });
    if (!findOrigTarball(dest, pkg, upstream) || (!(0,external_node_fs_namespaceObject.existsSync)(keyFile) && !(0,external_node_fs_namespaceObject.existsSync)(debianTar))) {
        const entry = ensureDebSrcSid();
        let updated = false;
        if (entry.created) {
            log.info(`wrote ${entry.file}`);
            const end = log.step(`apt-get update (${entry.file})`);
            await aptUpdate(log, entry.file);
            end();
            updated = true;
        }
        const download = () => run("apt-get", ["source", "--download-only", `${pkg}=${opts.sourcePackageVersion}`], {
            cwd: dest,
            env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        });
        const end = log.step(`apt-get source --download-only ${pkg}=${opts.sourcePackageVersion}`);
        let r = await download();
        if (r.code !== 0 &&
            !updated &&
            /Unable to find a source package|Can not find version|You must put some 'deb-src' URIs/i.test(r.stderr)) {
            // The entry exists but its index was never fetched (or is stale).
            log.info(`apt has no index for ${pkg}=${opts.sourcePackageVersion} yet; apt-get update (${entry.file})`);
            await aptUpdate(log, entry.file);
            r = await download();
        }
        end();
        if (r.code !== 0) {
            throw new Error(`apt-get source --download-only ${pkg}=${opts.sourcePackageVersion} failed (exit ${r.code}):\n${r.stderr.trim().split("\n").slice(-10).join("\n")}`);
        }
    }
    else {
        log.debug(`${pkg} ${upstream} upstream tarball already in ${dest}`);
    }
    const tarball = findOrigTarball(dest, pkg, upstream);
    if (!tarball)
        throw new Error(`apt-get source ran but no ${pkg}_${upstream}.orig.tar.* appeared in ${dest}`);
    if (!(0,external_node_fs_namespaceObject.existsSync)(keyFile) && (0,external_node_fs_namespaceObject.existsSync)(debianTar)) {
        const x = await run("tar", ["-xJf", debianTar, "-C", dest, SIGNING_KEY]);
        if (x.code !== 0)
            log.warn(`${debianTar} has no ${SIGNING_KEY}: ${x.stderr.trim()}`);
    }
    const signature = `${tarball}.asc`;
    const keyring = keyFile.replace(/\.asc$/, ".gpg");
    if ((0,external_node_fs_namespaceObject.existsSync)(keyFile) && !(0,external_node_fs_namespaceObject.existsSync)(keyring))
        (0,external_node_fs_namespaceObject.writeFileSync)(keyring, dearmor((0,external_node_fs_namespaceObject.readFileSync)(keyFile, "utf8")));
    return {
        tarball,
        ...((0,external_node_fs_namespaceObject.existsSync)(signature) ? { signature } : {}),
        ...((0,external_node_fs_namespaceObject.existsSync)(keyFile) ? { signingKey: keyFile, signingKeyring: keyring } : {}),
    };
}

;// CONCATENATED MODULE: ./src/doctor/index.ts






;// CONCATENATED MODULE: ./src/cli/doctor.ts








const doctor_USAGE = `usage: kimigayo doctor [--fix] [--only ID,...] [--config FILE] [--json]

Checks each host prerequisite (cross toolchains, musl, QEMU binfmt, dockerd, the local
registry at 127.0.0.1:5000, skopeo, gpgv, the pinned BusyBox source) and prints ✓ or ✗ with the fix.
  --fix   install the Debian/Ubuntu packages and start what is missing (idempotent; needs root)
  --only  check only these prerequisites (and what they need)`;
/** Debian's source package that carries each upstream BusyBox release as its orig tarball. */
const DEBIAN_SOURCE_VERSIONS = { "1.38.0": "1:1.38.0-3" };
const doctorCommand = {
    name: "doctor",
    summary: "check host prerequisites; --fix installs and starts what is missing",
    usage: doctor_USAGE,
    async run(ctx) {
        const o = parseCommandArgs("doctor", ctx.argv, { fix: { type: "boolean" }, only: { type: "string" } }, doctor_USAGE);
        const only = str(o.only)
            ?.split(",")
            .map((s) => s.trim())
            .filter(Boolean);
        const fix = o.fix === true;
        const wantSource = !only || only.includes("busybox-source");
        const host = await doctor({ fix, log: ctx.log, ...(only ? { only: only.filter((id) => id !== "busybox-source") } : {}) });
        const items = [...host.items];
        if (wantSource)
            items.push(await busyboxSource(await ctx.config(str(o.config)), fix, ctx.log));
        const result = { ok: items.every((i) => i.ok), items };
        ctx.log.info(formatDoctor(result));
        if (o.json)
            ctx.out.write(`${JSON.stringify(result, null, 2)}\n`);
        return result.ok ? 0 : 1;
    },
};
/**
 * The pinned BusyBox tarball, in the cache. --fix fetches it from the configured mirrors, and on a
 * machine that cannot reach them, from Debian's source package, whose orig tarball is the
 * upstream release byte for byte (the sha256 pin is checked either way).
 */
async function busyboxSource(cfg, fix, log) {
    const { version, sha256 } = cfg.busybox;
    const path = sourceCachePath(sha256);
    const debVersion = DEBIAN_SOURCE_VERSIONS[version];
    const item = {
        id: "busybox-source",
        title: `BusyBox ${version} source`,
        ok: false,
        detail: "",
        fixHint: `kimigayo doctor --fix (fetches ${cfg.busybox.urls[0] ?? "the configured URL"}${debVersion ? `, or apt-get source busybox=${debVersion}` : ""})`,
        fixed: [],
    };
    const cached = async () => (await exists(path)) && (await sha256File(path)) === sha256;
    if (await cached())
        return { ...item, ok: true, detail: `cached, sha256 ${sha256.slice(0, 12)}… verified (${path})` };
    if (!fix)
        return { ...item, detail: `not in the cache (${path})` };
    try {
        const r = await fetchSource(cfg, { log, attempts: 1 });
        return { ...item, ok: true, detail: `cached from ${r.url ?? "the cache"}`, fixed: [`fetched ${r.url}`] };
    }
    catch (e) {
        log.info(`busybox-source: the configured URLs failed (${e.message.split("\n")[1]?.trim() ?? ""}); trying Debian's source package`);
    }
    if (!debVersion)
        return { ...item, detail: `no configured URL answered, and no Debian source version is known for BusyBox ${version}` };
    const dir = await (0,promises_namespaceObject.mkdtemp)((0,external_node_path_namespaceObject.join)((0,external_node_os_namespaceObject.tmpdir)(), "kimigayo-debsrc-"));
    try {
        const deb = await debianOrigTarball({ sourcePackageVersion: debVersion, dest: dir, log });
        const r = await fetchSource({ ...cfg, busybox: { ...cfg.busybox, urls: [deb.tarball] } }, { log, attempts: 1 });
        return {
            ...item,
            ok: true,
            detail: `cached from Debian's busybox ${debVersion} orig tarball, sha256 verified`,
            fixed: [`apt-get source busybox=${debVersion}`, `cached ${r.tarball}`],
        };
    }
    catch (e) {
        return { ...item, detail: `could not obtain it: ${e.message}` };
    }
    finally {
        await (0,promises_namespaceObject.rm)(dir, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/oci/blob-source.ts
/** Where blob bytes come from when pushing: read in ranges, so chunked uploads never hold a whole layer. */


function bufferBlob(data) {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return { digest: digestOf(buf), size: buf.length, read: async (offset, length) => buf.subarray(offset, offset + length) };
}
/** A blob in a file (e.g. an OCI layout's blobs/sha256/<hex>); the digest is trusted, the registry checks it. */
function fileBlob(path, digest, size) {
    return {
        digest,
        size,
        read: async (offset, length) => {
            const fh = await (0,promises_namespaceObject.open)(path, "r");
            try {
                const buf = Buffer.alloc(length);
                const { bytesRead } = await fh.read(buf, 0, length, offset);
                if (bytesRead !== length)
                    throw new Error(`${path}: expected ${length} bytes at offset ${offset}, read ${bytesRead} (file shorter than ${size} B?)`);
                return buf;
            }
            finally {
                await fh.close();
            }
        },
    };
}

;// CONCATENATED MODULE: ./src/oci/credentials.ts
/**
 * Registry credentials, first match wins:
 * 1. explicit {username, password} (the action's inputs, CLI flags);
 * 2. env KIMIGAYO_REGISTRY_USER + KIMIGAYO_REGISTRY_PASSWORD;
 * 3. docker's config.json ($DOCKER_CONFIG/config.json or ~/.docker/config.json): auths[host].auth,
 *    base64 "user:password". Credential helpers (credsStore, credHelpers) are not consulted.
 * Secrets are never logged; `redact` scrubs them from any text that might be shown.
 */




const ENV_USER = "KIMIGAYO_REGISTRY_USER";
const ENV_PASSWORD = "KIMIGAYO_REGISTRY_PASSWORD";
function dockerConfigPath(env = process.env) {
    return (0,external_node_path_namespaceObject.join)(env.DOCKER_CONFIG ?? (0,external_node_path_namespaceObject.join)((0,external_node_os_namespaceObject.homedir)(), ".docker"), "config.json");
}
/** The auths key's host: "https://127.0.0.1:5000/v2/" -> "127.0.0.1:5000"; Docker Hub's legacy key -> "docker.io". */
function authsHost(key) {
    const host = key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
    return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB : host;
}
function fromDockerConfig(registry, path) {
    let cfg;
    try {
        cfg = JSON.parse((0,external_node_fs_namespaceObject.readFileSync)(path, "utf8"));
    }
    catch (err) {
        if (err.code === "ENOENT")
            return undefined;
        throw new Error(`docker config ${path} cannot be read: ${err.message}`);
    }
    const entry = Object.entries(cfg.auths ?? {}).find(([key]) => authsHost(key) === registry)?.[1];
    if (!entry)
        return undefined;
    if (entry.auth) {
        const plain = Buffer.from(entry.auth, "base64").toString("utf8");
        const colon = plain.indexOf(":");
        if (colon <= 0)
            throw new Error(`docker config ${path}: auths entry for ${registry} has an auth value that is not base64 "user:password"`);
        return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
    }
    return entry.username && entry.password ? { username: entry.username, password: entry.password } : undefined;
}
function resolveCredentials(registry, sources = {}) {
    if (sources.explicit)
        return sources.explicit;
    const env = sources.env ?? process.env;
    const user = env[ENV_USER];
    const password = env[ENV_PASSWORD];
    if (user && password)
        return { username: user, password };
    return fromDockerConfig(registry, sources.dockerConfig ?? dockerConfigPath(env));
}
function basicAuthorization(c) {
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}
/** The strings that must never be shown for these credentials: the password and the Basic token. */
function secretsOf(c) {
    return c ? [c.password, basicAuthorization(c).slice("Basic ".length)] : [];
}
/** Replaces every secret (of 4 or more characters) in `text` with "***". */
function redact(text, secrets) {
    let out = text;
    for (const s of secrets)
        if (s.length >= 4)
            out = out.split(s).join("***");
    return out;
}

;// CONCATENATED MODULE: ./src/oci/auth.ts
/**
 * Registry authentication: parsing WWW-Authenticate challenges (RFC 7235) and the Docker token
 * flow (a Bearer challenge names a realm to GET a token from, with service and scope).
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
/**
 * Parses a WWW-Authenticate value into its challenges, e.g.
 * `Bearer realm="https://a/token",service="reg",scope="repository:x:pull,push"`.
 * Several challenges may share one header, separated by commas; param names are lower-cased.
 */
function parseWwwAuthenticate(header) {
    const out = [];
    let s = header;
    const skip = (re) => {
        s = s.replace(re, "");
    };
    while (s.length > 0) {
        skip(/^[\s,]+/);
        const scheme = TOKEN.exec(s)?.[0];
        if (!scheme)
            break;
        s = s.slice(scheme.length);
        const challenge = { scheme: scheme.toLowerCase(), params: {} };
        out.push(challenge);
        for (;;) {
            const m = /^[\s,]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(s);
            if (!m)
                break; // the next token starts a new challenge (or a token68, which we do not use)
            s = s.slice(m[0].length);
            let value;
            if (s.startsWith('"')) {
                const q = /^"((?:[^"\\]|\\.)*)"/.exec(s);
                if (!q)
                    throw new Error(`WWW-Authenticate: unterminated quoted string in ${JSON.stringify(header)}`);
                value = q[1].replace(/\\(.)/g, "$1");
                s = s.slice(q[0].length);
            }
            else {
                value = TOKEN.exec(s)?.[0] ?? "";
                s = s.slice(value.length);
            }
            challenge.params[m[1].toLowerCase()] = value;
        }
        if (Object.keys(challenge.params).length === 0)
            skip(/^[^,]*/); // token68 or junk: skip to the next comma
    }
    return out;
}
/**
 * GETs a token from a Bearer challenge's realm, with Basic credentials when there are any
 * (anonymous otherwise). `scopes` are added to the challenge's own scope.
 */
async function fetchToken(challenge, scopes, credentials, timeoutMs) {
    const realm = challenge.params.realm;
    if (!realm)
        throw new Error("registry sent a Bearer challenge without a realm");
    const url = new URL(realm);
    if (challenge.params.service)
        url.searchParams.set("service", challenge.params.service);
    const all = new Set([...(challenge.params.scope?.split(" ") ?? []), ...scopes].filter((x) => x !== ""));
    for (const scope of all)
        url.searchParams.append("scope", scope);
    const headers = { accept: "application/json" };
    if (credentials)
        headers.authorization = basicAuthorization(credentials);
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    if (!res.ok) {
        const who = credentials ? `as ${credentials.username}` : "anonymously";
        throw new Error(`token request to ${url.origin}${url.pathname} ${who} failed: ${res.status} ${redact(body.slice(0, 300), secretsOf(credentials))}`);
    }
    const json = JSON.parse(body);
    const token = json.token ?? json.access_token;
    if (!token)
        throw new Error(`token response from ${url.origin}${url.pathname} has no token`);
    // Treat tokens as expiring a little early; the spec's default lifetime is 60 s.
    const lifetime = Math.max(10, (json.expires_in ?? 60) - 10);
    return { authorization: `Bearer ${token}`, token, expiresAt: Date.now() + lifetime * 1000 };
}

;// CONCATENATED MODULE: ./src/oci/errors.ts
/**
 * Registry failures and which of them are worth another try: 408, 429 and 5xx answers (but not
 * 501/505, which will not change), connection resets and timeouts. A Retry-After header on the
 * answer is honoured.
 */

class RegistryError extends Error {
    info;
    name = "RegistryError";
    constructor(message, info = {}) {
        super(message, info.cause !== undefined ? { cause: info.cause } : undefined);
        this.info = info;
    }
    get status() {
        return this.info.status;
    }
}
const RETRY_STATUS = (s) => s === 408 || s === 429 || (s >= 500 && s !== 501 && s !== 505);
const NETWORK_CODES = ["UND_ERR_CLOSED", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ECONNABORTED", "ENETUNREACH", "EHOSTUNREACH"];
function errorCode(err) {
    const e = err;
    const code = e?.cause?.code ?? e?.code;
    return typeof code === "string" ? code : undefined;
}
/** The retry policy for registry requests (a `retryable` for withRetry). */
function registryRetryable(err) {
    if (err instanceof RegistryError) {
        if (err.status === undefined)
            return registryRetryable(err.cause);
        if (!RETRY_STATUS(err.status))
            return false;
        return err.info.retryAfterMs !== undefined ? { retryAfterMs: err.info.retryAfterMs } : true;
    }
    const name = err?.name;
    if (name === "TimeoutError")
        return true;
    if (NETWORK_CODES.includes(errorCode(err) ?? ""))
        return true;
    return isTransient(err);
}
/** A short reason for logs: "503 Service Unavailable", "ECONNRESET", or the message. */
function describeFailure(err) {
    if (err instanceof RegistryError && err.status !== undefined)
        return err.message;
    const code = errorCode(err);
    const message = err instanceof Error ? err.message : String(err);
    return code ? `${message} (${code})` : message;
}

;// CONCATENATED MODULE: ./src/oci/registry.ts







const DEFAULT_CHUNK_THRESHOLD = 5 * 1024 * 1024;
const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;
const USER_AGENT = "kimigayo-build-action";
function emptyStats() {
    return {
        requests: 0,
        retries: 0,
        blobsUploaded: 0,
        blobBytesUploaded: 0,
        blobsSkipped: 0,
        blobsMounted: 0,
        manifestsPut: 0,
        manifestBytesUploaded: 0,
    };
}
/** after - before, field by field. */
function statsSince(before, after) {
    const out = emptyStats();
    for (const k of Object.keys(out))
        out[k] = after[k] - before[k];
    return out;
}
const pull = (repo) => `repository:${repo}:pull`;
const push = (repo) => `repository:${repo}:pull,push`;
async function drain(res) {
    await res.arrayBuffer().catch(() => undefined);
}
function checkRepo(repo) {
    if (!isRepositoryName(repo))
        throw new Error(`${JSON.stringify(repo)} is not a repository name (lowercase path like owner/name, no host or tag)`);
    return repo;
}
function checkDigest(digest) {
    if (!isDigest(digest))
        throw new Error(`${JSON.stringify(digest)} is not a sha256 digest`);
    return digest;
}
function checkRef(ref) {
    if (!isTag(ref) && !isDigest(ref))
        throw new Error(`${JSON.stringify(ref)} is neither a tag nor a sha256 digest`);
    return ref;
}
class RegistryClient {
    registry;
    opts;
    baseUrl;
    stats = emptyStats();
    credentials;
    secrets;
    tokens = new Map();
    pendingTokens = new Map();
    useBasic = false;
    constructor(
    /** host[:port], e.g. "127.0.0.1:5000". */
    registry, opts = {}) {
        this.registry = registry;
        this.opts = opts;
        this.baseUrl = registryBaseUrl(registry, opts.insecure);
        this.credentials = resolveCredentials(registry, opts);
        this.secrets = secretsOf(this.credentials);
    }
    /** A client for the registry of an image reference like "127.0.0.1:5000/kimigayo", and the repository in it. */
    static forReference(ref, opts = {}) {
        const r = parseReference(ref);
        return { client: new RegistryClient(r.registry, opts), repository: r.repository };
    }
    /** GET /v2/: reachable, speaks the API, and (after any auth) lets us in. */
    async ping() {
        await this.op(`ping ${this.baseUrl}`, async () => drain(await this.send({ method: "GET", url: "/v2/", scopes: [], ok: [200] })));
    }
    async hasBlob(repo, digest) {
        checkRepo(repo);
        checkDigest(digest);
        const res = await this.op(`check blob ${digest} in ${repo}`, () => this.send({ method: "HEAD", url: `/v2/${repo}/blobs/${digest}`, scopes: [pull(repo)], ok: [200, 404] }));
        await drain(res);
        return res.status === 200;
    }
    /**
     * Makes the blob present in `repo`: skipped when it already is, mounted from `mountFrom` (a
     * repository on the same registry) when that works, uploaded otherwise.
     */
    async pushBlob(repo, blob, opts = {}) {
        if (await this.hasBlob(repo, blob.digest)) {
            this.stats.blobsSkipped++;
            return "skipped";
        }
        const mountFrom = opts.mountFrom !== undefined && opts.mountFrom !== repo ? checkRepo(opts.mountFrom) : undefined;
        const outcome = await this.op(`upload blob ${blob.digest} (${blob.size} B) to ${repo}`, () => this.uploadOnce(repo, blob, mountFrom));
        if (outcome === "mounted")
            this.stats.blobsMounted++;
        else
            this.stats.blobsUploaded++;
        return outcome;
    }
    async getBlob(repo, digest) {
        checkRepo(repo);
        checkDigest(digest);
        return this.op(`get blob ${digest} from ${repo}`, async () => {
            const res = await this.send({ method: "GET", url: `/v2/${repo}/blobs/${digest}`, scopes: [pull(repo)], ok: [200] });
            const data = Buffer.from(await res.arrayBuffer());
            verifyDigest(data, digest, `blob from ${this.registry}/${repo}`);
            return data;
        });
    }
    /** The manifest's digest, size and media type, or undefined when the registry does not have it. */
    async headManifest(repo, ref) {
        checkRepo(repo);
        checkRef(ref);
        const res = await this.op(`check manifest ${repo}:${ref}`, () => this.send({
            method: "HEAD",
            url: `/v2/${repo}/manifests/${ref}`,
            scopes: [pull(repo)],
            headers: { accept: MANIFEST_ACCEPT },
            ok: [200, 404],
        }));
        await drain(res);
        if (res.status === 404)
            return undefined;
        const digest = res.headers.get("docker-content-digest") ?? (isDigest(ref) ? ref : "");
        return { digest, size: Number(res.headers.get("content-length") ?? NaN), mediaType: mediaTypeOf(res) };
    }
    async getManifest(repo, ref) {
        checkRepo(repo);
        checkRef(ref);
        return this.op(`get manifest ${repo}:${ref}`, async () => {
            const res = await this.send({
                method: "GET",
                url: `/v2/${repo}/manifests/${ref}`,
                scopes: [pull(repo)],
                headers: { accept: MANIFEST_ACCEPT },
                ok: [200],
            });
            const bytes = Buffer.from(await res.arrayBuffer());
            const digest = digest_digestOf(bytes);
            if (isDigest(ref))
                verifyDigest(bytes, ref, `manifest from ${this.registry}/${repo}`);
            return { mediaType: mediaTypeOf(res), digest, size: bytes.length, bytes };
        });
    }
    /** PUTs manifest bytes under a digest or a tag; returns their digest. */
    async putManifest(repo, ref, bytes, mediaType) {
        checkRepo(repo);
        checkRef(ref);
        const digest = digest_digestOf(bytes);
        if (isDigest(ref) && ref !== digest)
            throw new Error(`manifest for ${repo}@${ref} hashes to ${digest}`);
        await this.op(`put manifest ${repo}:${ref}`, async () => {
            const res = await this.send({
                method: "PUT",
                url: `/v2/${repo}/manifests/${ref}`,
                scopes: [push(repo)],
                headers: { "content-type": mediaType },
                body: bytes,
                ok: [201],
            });
            await drain(res);
            const stored = res.headers.get("docker-content-digest");
            if (stored && stored !== digest)
                throw new RegistryError(`registry stored manifest ${repo}:${ref} as ${stored}, expected ${digest}`);
        });
        this.stats.manifestsPut++;
        this.stats.manifestBytesUploaded += bytes.length;
        return digest;
    }
    /** The repository's tags ([] when the repository does not exist), following pagination. */
    async listTags(repo) {
        checkRepo(repo);
        const tags = [];
        for (let url = `/v2/${repo}/tags/list`; url;) {
            const page = url;
            const res = await this.op(`list tags of ${repo}`, () => this.send({ method: "GET", url: page, scopes: [pull(repo)], ok: [200, 404] }));
            if (res.status === 404) {
                await drain(res);
                return [];
            }
            tags.push(...((await res.json()).tags ?? []));
            url = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get("link") ?? "")?.[1];
        }
        return tags;
    }
    // -------------------------------------------------------------------------
    // Uploads
    // -------------------------------------------------------------------------
    async uploadOnce(repo, blob, mountFrom) {
        const start = mountFrom
            ? {
                url: `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(mountFrom)}`,
                scopes: [push(repo), pull(mountFrom)],
            }
            : { url: `/v2/${repo}/blobs/uploads/`, scopes: [push(repo)] };
        const started = await this.send({ method: "POST", ...start, ok: mountFrom ? [201, 202] : [202] });
        await drain(started);
        if (started.status === 201)
            return "mounted"; // 202 after a mount request: not mountable, upload instead
        let location = this.location(started);
        const octets = { "content-type": "application/octet-stream" };
        const threshold = this.opts.chunkThreshold ?? DEFAULT_CHUNK_THRESHOLD;
        let final = Buffer.alloc(0);
        if (blob.size <= threshold) {
            final = await blob.read(0, blob.size);
        }
        else {
            const chunk = Math.max(1, this.opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
            for (let offset = 0; offset < blob.size; offset += chunk) {
                const body = await blob.read(offset, Math.min(chunk, blob.size - offset));
                const headers = { ...octets, "content-range": `${offset}-${offset + body.length - 1}` };
                const res = await this.send({ method: "PATCH", url: location, scopes: [push(repo)], headers, body, ok: [202] });
                await drain(res);
                this.stats.blobBytesUploaded += body.length;
                location = this.location(res);
            }
        }
        const sep = location.includes("?") ? "&" : "?";
        const done = await this.send({
            method: "PUT",
            url: `${location}${sep}digest=${encodeURIComponent(blob.digest)}`,
            scopes: [push(repo)],
            headers: octets,
            body: final,
            ok: [201],
        });
        await drain(done);
        this.stats.blobBytesUploaded += final.length;
        const stored = done.headers.get("docker-content-digest");
        if (stored && stored !== blob.digest)
            throw new RegistryError(`registry stored blob ${blob.digest} as ${stored}`);
        return "uploaded";
    }
    location(res) {
        const loc = res.headers.get("location");
        if (!loc)
            throw new RegistryError(`${this.registry}: upload answer ${res.status} has no Location header`, { status: res.status });
        return new URL(loc, res.url || this.baseUrl).toString();
    }
    // -------------------------------------------------------------------------
    // Requests, auth and retries
    // -------------------------------------------------------------------------
    /** Runs one operation under the retry policy; the final error names the operation and the attempts. */
    async op(what, fn) {
        let attempts = 0;
        const limit = this.opts.retry?.attempts ?? 5;
        try {
            return await withRetry((n) => {
                attempts = n;
                return fn();
            }, {
                attempts: limit,
                baseMs: 500,
                maxDelayMs: 10_000,
                budgetMs: 120_000,
                ...this.opts.retry,
                retryable: registryRetryable,
                onRetry: (err, attempt, delay) => {
                    this.stats.retries++;
                    const reason = redact(describeFailure(err), this.secrets);
                    this.opts.log?.warn(`${what}: ${reason}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${limit})`);
                },
            });
        }
        catch (err) {
            const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
            const info = err instanceof RegistryError ? err.info : {};
            throw new RegistryError(redact(`${what} failed${tries}: ${describeFailure(err)}`, this.secrets), { ...info, cause: err });
        }
    }
    /** One HTTP exchange, authenticating once on a 401 and resending. */
    async send(req) {
        const url = new URL(req.url, this.baseUrl);
        const sameOrigin = url.origin === new URL(this.baseUrl).origin;
        for (let authenticated = false;; authenticated = true) {
            const headers = { "user-agent": USER_AGENT, ...req.headers };
            const authorization = sameOrigin ? this.authorizationFor(req.scopes) : undefined;
            if (authorization)
                headers.authorization = authorization;
            this.stats.requests++;
            const res = await fetch(url, {
                method: req.method,
                headers,
                ...(req.body !== undefined ? { body: req.body } : {}),
                signal: AbortSignal.timeout(this.opts.timeoutMs ?? 120_000),
            });
            if (res.status === 401 && !authenticated && sameOrigin) {
                await drain(res);
                // Another request may have authenticated for this scope meanwhile: resend with that first.
                const current = this.authorizationFor(req.scopes);
                if (current === undefined || current === authorization) {
                    await this.authenticate(parseWwwAuthenticate(res.headers.get("www-authenticate") ?? ""), req.scopes);
                }
                continue;
            }
            if (!req.ok.includes(res.status))
                throw await this.failure(req.method, url, res);
            return res;
        }
    }
    authorizationFor(scopes) {
        if (this.useBasic && this.credentials)
            return basicAuthorization(this.credentials);
        const token = this.tokens.get(scopes.join(" "));
        if (token && token.expiresAt > Date.now())
            return token.authorization;
        return undefined;
    }
    async authenticate(challenges, scopes) {
        const bearer = challenges.find((c) => c.scheme === "bearer");
        if (bearer) {
            // Concurrent requests challenged for the same scope share one token request.
            const key = scopes.join(" ");
            let pending = this.pendingTokens.get(key);
            if (!pending) {
                pending = fetchToken(bearer, scopes, this.credentials, this.opts.timeoutMs ?? 120_000)
                    .then((token) => {
                    this.secrets.push(token.token);
                    this.tokens.set(key, token);
                    return token;
                })
                    .catch((err) => {
                    throw new RegistryError(redact(`${this.registry}: ${err.message}`, this.secrets), { status: 401, cause: err });
                })
                    .finally(() => this.pendingTokens.delete(key));
                this.pendingTokens.set(key, pending);
            }
            await pending;
            return;
        }
        if (challenges.some((c) => c.scheme === "basic")) {
            if (!this.credentials) {
                throw new RegistryError(`${this.registry} requires credentials: set ${ENV_USER} and ${ENV_PASSWORD}, pass them explicitly, or run docker login ${this.registry}`, { status: 401 });
            }
            this.useBasic = true;
            return;
        }
        const schemes = challenges.map((c) => c.scheme).join(", ") || "none";
        throw new RegistryError(`${this.registry} answered 401 with an unsupported authentication challenge (${schemes})`, { status: 401 });
    }
    async failure(method, url, res) {
        const text = method === "HEAD" ? "" : await res.text().catch(() => "");
        const { code, detail } = errorBody(text);
        let message = `${method} ${url.origin}${url.pathname}: ${res.status} ${res.statusText}${detail ? ` (${detail})` : ""}`;
        if (res.status === 401) {
            message += this.credentials
                ? `; the credentials for user ${this.credentials.username} were not accepted`
                : "; no credentials were found";
        }
        const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
        return new RegistryError(redact(message, this.secrets), {
            status: res.status,
            ...(code !== undefined ? { code } : {}),
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
    }
}
/** The first entry of an OCI error body ({"errors":[{"code","message"}]}), or the start of any other body. */
function errorBody(text) {
    try {
        const first = JSON.parse(text).errors?.[0];
        return { ...(first?.code ? { code: first.code } : {}), detail: [first?.code, first?.message].filter(Boolean).join(" ") };
    }
    catch {
        return { detail: text.trim().slice(0, 200) };
    }
}
function mediaTypeOf(res) {
    return (res.headers.get("content-type") ?? "").split(";")[0].trim();
}

;// CONCATENATED MODULE: ./src/oci/push.ts
/**
 * Pushes an OCI image layout to a repository in the order that never exposes a broken image:
 * blobs first, then each platform manifest by digest, then the index by digest, then the tags
 * (each a PUT of the same index bytes). A failure before the tags leaves no tag behind.
 */






async function pushLayout(layoutDir, repo, tags, client, log, opts = {}) {
    const badTag = tags.find((t) => !isTag(t));
    if (badTag !== undefined)
        throw new UsageError(`${JSON.stringify(badTag)} is not a valid tag: up to 128 of [A-Za-z0-9_.-], not starting with . or -`);
    const t0 = Date.now();
    const before = { ...client.stats };
    const end = log.step(`push ${client.registry}/${repo}`);
    try {
        const image = await readImage(layoutDir, opts.ref);
        // Reachable and authorised before any work; a Basic challenge is answered once here.
        await client.ping();
        await pushManifests(layoutDir, repo, image.manifests, client, log, opts);
        const rootBytes = await readBlob(layoutDir, image.root.digest);
        // A layout whose top-level image is a single manifest has just pushed it above.
        if (image.root.digest !== image.manifests[0]?.descriptor.digest) {
            await client.putManifest(repo, image.root.digest, rootBytes, image.root.mediaType);
        }
        for (const tag of tags)
            await client.putManifest(repo, tag, rootBytes, image.root.mediaType);
        const stats = statsSince(before, client.stats);
        log.info(`pushed ${client.registry}/${repo}@${image.root.digest}${tags.length ? ` as ${tags.join(", ")}` : ""}: ` +
            `${stats.blobsUploaded} blob(s) uploaded (${stats.blobBytesUploaded.toLocaleString("en-US")} B), ` +
            `${stats.blobsSkipped} already there, ${stats.blobsMounted} mounted`);
        return {
            repository: repo,
            indexDigest: image.root.digest,
            manifests: image.manifests.map((m) => m.descriptor.digest),
            tags: [...tags],
            stats,
            seconds: (Date.now() - t0) / 1000,
        };
    }
    finally {
        end();
    }
}
/** Blobs first (skipped when present, mounted when possible), then each manifest by digest. */
async function pushManifests(layoutDir, repo, manifests, client, log, opts) {
    const blobs = new Map();
    for (const { manifest } of manifests)
        for (const d of [manifest.config, ...manifest.layers])
            blobs.set(d.digest, d);
    let done = 0;
    await mapLimit([...blobs.values()], opts.concurrency ?? 3, async (d) => {
        const outcome = await client.pushBlob(repo, fileBlob(blobPath(layoutDir, d.digest), d.digest, d.size), {
            ...(opts.mountFrom !== undefined ? { mountFrom: opts.mountFrom } : {}),
        });
        log.debug(`blob ${d.digest} (${d.size} B): ${outcome}`);
        log.progress("blobs", ++done, blobs.size);
    });
    for (const { descriptor } of manifests) {
        await client.putManifest(repo, descriptor.digest, await readBlob(layoutDir, descriptor.digest), descriptor.mediaType);
    }
}
/**
 * Pushes one platform's manifest (and its blobs) by digest, with no index and no tag: the
 * per-runner half of a release spread over runners. `kimigayo merge` makes the index and tags.
 */
async function pushPlatform(layoutDir, repo, platform, client, log, opts = {}) {
    const before = { ...client.stats };
    const image = await readImage(layoutDir, opts.ref);
    const chosen = image.manifests.filter((m) => m.descriptor.platform?.os === platform.os && m.descriptor.platform?.architecture === platform.architecture);
    const one = chosen[0];
    if (!one) {
        const have = image.manifests.map((m) => `${m.descriptor.platform?.os}/${m.descriptor.platform?.architecture}`).join(", ");
        throw new UsageError(`${layoutDir} has no ${platform.os}/${platform.architecture} image; it has ${have || "none"}`);
    }
    await client.ping();
    await pushManifests(layoutDir, repo, [one], client, log, opts);
    log.info(`pushed ${client.registry}/${repo}@${one.descriptor.digest} (${platform.os}/${platform.architecture}, by digest, untagged)`);
    return {
        repository: repo,
        platform: `${platform.os}/${platform.architecture}`,
        digest: one.descriptor.digest,
        size: one.descriptor.size,
        mediaType: one.descriptor.mediaType,
        annotations: one.manifest.annotations ?? {},
        stats: statsSince(before, client.stats),
    };
}

;// CONCATENATED MODULE: ./src/publish/tags.ts
/**
 * Which image tags a build pushes, per variant. Pure: the caller reads git/GitHub and passes
 * the facts in; nothing here touches the network, the clock or the environment.
 *
 * Base tags by source, in this order:
 * - release vX.Y.Z:      X.Y.Z, then X.Y / X / latest, each only if this is the highest stable
 *                        version in its minor line / major line / the whole repo (existingTags ∪ {this});
 * - pre-release vX.Y.Z-p: X.Y.Z-p only (never X.Y, X or latest);
 * - default branch:      edge, sha-<7>;
 * - other branch:        sanitizeTag(branch), sha-<7>;
 * - pull request:        pr-<n>, sha-<7 of the PR head>.
 * The default variant gets the base tags as they are; every variant (the default too) gets
 * `<base>-<variant>`, except that `latest` becomes plain `<variant>` ("latest of that variant").
 *
 * Decisions worth knowing:
 * - Build metadata (`+…`) is not allowed in an OCI tag, and SemVer ignores it for precedence, so it
 *   is dropped from tags (v2.1.0+build.7 → 2.1.0). `version` in the result keeps it (labels may carry it).
 * - Tags are lowercased by sanitizeTag. OCI tags are case-sensitive, so "Feature" and "feature"
 *   would otherwise be two tags for what people read as one branch.
 * - Without existingTags a release is taken to be the newest one (as for the first release), so
 *   pass them for anything that is not: otherwise a backport would move `latest`.
 * - Tags in existingTags that are not SemVer (e.g. "release-1") are ignored; pre-releases never move
 *   latest/major/minor, so they do not hold those tags back either.
 */



const MAX_TAG = 128;
const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const EXPECTED_RELEASE = "expected vX.Y.Z[-pre] (SemVer 2.0, e.g. v2.1.0 or v2.1.0-rc.1)";
/** Names a variant may not take: its "latest of this variant" tag would overwrite these. */
const RESERVED_VARIANTS = new Set(["latest", "edge"]);
// The SemVer 2.0 grammar (semver.org): no leading zeros in numeric identifiers, no empty identifiers.
const NUM = "0|[1-9]\\d*";
const PRE_ID = `(?:${NUM}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const tags_SEMVER = new RegExp(`^(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`);
/** Strict SemVer 2.0 ("2.1.0-rc.1+b.5"); no "v" prefix. Undefined when `s` is not one. */
function parseSemver(s) {
    const m = tags_SEMVER.exec(s);
    if (!m)
        return undefined;
    const [major, minor, patch] = [m[1], m[2], m[3]].map(Number);
    if (![major, minor, patch].every(Number.isSafeInteger))
        return undefined;
    return { major, minor, patch, prerelease: m[4] !== undefined ? m[4].split(".") : [], ...(m[5] !== undefined ? { build: m[5] } : {}) };
}
function toSemver(v) {
    if (typeof v !== "string")
        return v;
    const parsed = parseSemver(v);
    if (!parsed)
        throw new UsageError(`${JSON.stringify(v)} is not a SemVer 2.0 version; expected X.Y.Z[-pre][+build]`);
    return parsed;
}
const isNumeric = (id) => /^\d+$/.test(id);
function compareIdentifiers(a, b) {
    const an = isNumeric(a);
    const bn = isNumeric(b);
    // Numeric identifiers compare as numbers (no leading zeros, so longer is larger) and sort before alphanumeric ones.
    if (an && bn)
        return a.length !== b.length ? Math.sign(a.length - b.length) : a < b ? -1 : a > b ? 1 : 0;
    if (an !== bn)
        return an ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0; // ASCII order, as the spec says (not locale order)
}
/** SemVer 2.0 precedence: -1, 0 or 1. Build metadata is ignored, so 1.0.0+a and 1.0.0+b compare equal. */
function compareSemver(a, b) {
    const x = toSemver(a);
    const y = toSemver(b);
    for (const k of ["major", "minor", "patch"]) {
        if (x[k] !== y[k])
            return x[k] < y[k] ? -1 : 1;
    }
    // A pre-release sorts before its release.
    if (x.prerelease.length === 0 || y.prerelease.length === 0)
        return Math.sign(y.prerelease.length - x.prerelease.length);
    const n = Math.min(x.prerelease.length, y.prerelease.length);
    for (let i = 0; i < n; i++) {
        const c = compareIdentifiers(x.prerelease[i], y.prerelease[i]);
        if (c !== 0)
            return c;
    }
    return Math.sign(x.prerelease.length - y.prerelease.length);
}
/**
 * A string made into an OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}): each run of other characters
 * becomes one "-", the result is lowercased (see the module comment), leading and trailing "." and
 * "-" are trimmed, and it is cut to `maxLength` (at most 128). "feature/Size Check" → "feature-size-check".
 * Throws a UsageError when nothing usable is left (e.g. "///").
 */
function sanitizeTag(s, maxLength = MAX_TAG) {
    const cap = Math.max(1, Math.min(MAX_TAG, Math.floor(maxLength)));
    const tag = s
        .replace(/[^A-Za-z0-9_.-]+/g, "-")
        .toLowerCase() // after the replacement, so only ASCII is left to lowercase
        .replace(/^[.-]+/, "")
        .slice(0, cap)
        .replace(/[.-]+$/, "");
    if (!isTag(tag))
        throw new UsageError(`${JSON.stringify(s)} leaves nothing usable as an image tag; it needs a letter, digit or "_"`);
    return tag;
}
function computeTags(src, variants) {
    checkVariants(variants);
    const names = variants.map((v) => v.name);
    let result;
    switch (src.kind) {
        case "version":
            result = tags_releaseTags(src.version, src.existingTags, "version", names);
            break;
        case "tag":
            result = tags_releaseTags(src.ref, src.existingTags, "ref", names);
            break;
        case "branch":
            result = { prerelease: false, base: branchTags(src, names) };
            break;
        case "pr":
            result = { prerelease: false, base: prTags(src) };
            break;
        default: {
            const kind = src.kind;
            throw new UsageError(`unknown tag source kind ${JSON.stringify(kind)}; expected version, tag, branch or pr`);
        }
    }
    const plans = variants.map((v) => {
        const suffixed = result.base.map((t) => (t === "latest" ? v.name : `${t}-${v.name}`));
        return { variant: v.name, tags: [...new Set(v.default ? [...result.base, ...suffixed] : suffixed)] };
    });
    const owner = new Map();
    for (const p of plans) {
        for (const t of p.tags) {
            // Lengths are checked where tags are made; this is the invariant every caller relies on.
            if (!OCI_TAG.test(t))
                throw new Error(`internal: computed tag ${JSON.stringify(t)} is not a valid OCI tag`);
            const other = owner.get(t);
            if (other !== undefined)
                throw new UsageError(`variants ${other} and ${p.variant} would both be tagged ${JSON.stringify(t)}`);
            owner.set(t, p.variant);
        }
    }
    return { ...(result.version !== undefined ? { version: result.version } : {}), prerelease: result.prerelease, plans };
}
function checkVariants(variants) {
    if (variants.length === 0)
        throw new UsageError("no variants to tag; expected at least one, exactly one with default: true");
    const seen = new Set();
    for (const { name } of variants) {
        if (!VARIANT_NAME.test(name))
            throw new UsageError(`variant name ${JSON.stringify(name)} is not valid; expected ${VARIANT_NAME.source}`);
        if (RESERVED_VARIANTS.has(name)) {
            throw new UsageError(`variant name ${JSON.stringify(name)} is reserved: its own tag would overwrite the ${name} image tag`);
        }
        if (seen.has(name))
            throw new UsageError(`variant ${JSON.stringify(name)} is listed twice`);
        seen.add(name);
    }
    const defaults = variants.filter((v) => v.default).map((v) => v.name);
    if (defaults.length !== 1) {
        throw new UsageError(defaults.length === 0
            ? `no variant has default: true; mark exactly one of: ${[...seen].join(", ")}`
            : `${defaults.length} variants have default: true (${defaults.join(", ")}); exactly one may be the default`);
    }
}
/** "refs/tags/v2.1.0", "v2.1.0" or "2.1.0" → Semver; undefined if not a release version. */
function parseRelease(ref) {
    return parseSemver(ref.replace(/^refs\/tags\//, "").replace(/^v/, ""));
}
function tags_releaseTags(ref, existingTags, field, variantNames) {
    const v = parseRelease(ref);
    if (!v)
        throw new UsageError(`${JSON.stringify(ref)} is not a release version; ${EXPECTED_RELEASE}`, { field });
    const core = `${v.major}.${v.minor}.${v.patch}`;
    const exact = v.prerelease.length > 0 ? `${core}-${v.prerelease.join(".")}` : core;
    const version = v.build !== undefined ? `${exact}+${v.build}` : exact;
    const longest = Math.max(...variantNames.map((n) => n.length)) + 1 + exact.length;
    if (longest > MAX_TAG) {
        throw new UsageError(`${JSON.stringify(ref)} makes image tags of up to ${longest} characters; OCI tags are at most ${MAX_TAG}`, {
            field,
        });
    }
    if (v.prerelease.length > 0)
        return { version, prerelease: true, base: [exact] };
    // Only stable releases hold the floating tags; the release itself counts (existingTags usually includes it).
    const stable = (existingTags ?? []).map(parseRelease).filter((s) => s !== undefined && s.prerelease.length === 0);
    const noneHigher = (inScope) => !stable.some((s) => inScope(s) && compareSemver(s, v) > 0);
    const base = [exact];
    if (noneHigher((s) => s.major === v.major && s.minor === v.minor))
        base.push(`${v.major}.${v.minor}`);
    if (noneHigher((s) => s.major === v.major))
        base.push(`${v.major}`);
    if (noneHigher(() => true))
        base.push("latest");
    return { version, prerelease: false, base };
}
function shortSha(sha, field) {
    if (!/^[0-9A-Fa-f]{7,64}$/.test(sha)) {
        throw new UsageError(`${JSON.stringify(sha)} is not a commit id; expected 7 to 64 hex digits`, { field });
    }
    return `sha-${sha.slice(0, 7).toLowerCase()}`;
}
function branchTags(src, variantNames) {
    const strip = (b) => b.replace(/^refs\/heads\//, "");
    const branch = strip(src.branch);
    if (branch === "")
        throw new UsageError("branch name is empty", { field: "branch" });
    const sha = shortSha(src.sha, "sha");
    if (branch === strip(src.defaultBranch))
        return ["edge", sha];
    // Leave room for the longest "-<variant>" so every variant's tag of this branch has the same stem.
    const room = MAX_TAG - 1 - Math.max(...variantNames.map((n) => n.length));
    const tag = sanitizeTag(branch, room);
    const clash = reservedFor(tag, variantNames);
    if (clash !== undefined) {
        throw new UsageError(`branch ${JSON.stringify(branch)} would be tagged ${JSON.stringify(tag)}, which is ${clash}; rename the branch`, {
            field: "branch",
        });
    }
    return [tag, sha];
}
/**
 * What a branch's tag would overwrite, if anything: a release tag (X, X.Y, X.Y.Z[-pre]), latest,
 * edge, a sha-/pr- tag or a variant's latest, with or without a "-<variant>" suffix.
 */
function reservedFor(tag, variantNames) {
    if (variantNames.includes(tag))
        return `the latest ${tag} image's tag`;
    const stems = [tag, ...variantNames.filter((n) => tag.endsWith(`-${n}`)).map((n) => tag.slice(0, -n.length - 1))];
    for (const s of stems) {
        if (s === "latest")
            return "the latest release's tag";
        if (s === "edge")
            return "the default branch's tag";
        if (/^\d+(\.\d+)?$/.test(s) || parseSemver(s))
            return "a release tag";
        if (/^sha-[0-9a-f]{7}$/.test(s))
            return "a commit's tag";
        if (/^pr-\d+$/.test(s))
            return "a pull request's tag";
    }
    return undefined;
}
function prTags(src) {
    if (!Number.isSafeInteger(src.number) || src.number < 1) {
        throw new UsageError(`pull request number ${JSON.stringify(src.number)} is not valid; expected a positive integer`, {
            field: "number",
        });
    }
    return [`pr-${src.number}`, shortSha(src.headSha, "headSha")];
}

;// CONCATENATED MODULE: ./src/pipeline/publish.ts
/**
 * publish and merge: image layouts -> a registry, in the order that never exposes a half-pushed
 * image (blobs, manifests by digest, the index, tags last). `publish --by-digest --platform P`
 * pushes one platform untagged and writes a digest file; `merge` turns the digest files of every
 * runner into the index and the tags, so per-platform jobs need no QEMU.
 */












/**
 * Where tags come from: --version, else GitHub's event (tag push, branch push, pull request),
 * else the local git repository (a v* tag at HEAD, or the branch).
 */
async function tagSourceFrom(opts) {
    const existingTags = await releaseTags(opts.cwd);
    if (opts.version)
        return { kind: "version", version: opts.version, existingTags };
    const { GITHUB_REF: ref, GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: eventPath, GITHUB_SHA: sha } = opts.env;
    if (ref) {
        let payload = {};
        if (eventPath)
            payload = JSON.parse(await (0,promises_namespaceObject.readFile)(eventPath, "utf8").catch(() => "{}"));
        if (ref.startsWith("refs/tags/"))
            return { kind: "tag", ref, existingTags };
        if ((event === "pull_request" || event === "pull_request_target") && payload.pull_request?.head?.sha) {
            const number = payload.pull_request.number ?? Number(/^refs\/pull\/(\d+)\//.exec(ref)?.[1]);
            return { kind: "pr", number, headSha: payload.pull_request.head.sha };
        }
        if (ref.startsWith("refs/heads/") && sha) {
            return { kind: "branch", branch: ref, sha, defaultBranch: payload.repository?.default_branch ?? "main" };
        }
    }
    const atHead = await tagsAtHead(opts.cwd);
    if (atHead.length > 0)
        return { kind: "tag", ref: atHead.sort().at(-1), existingTags };
    const [branch, head] = [await currentBranch(opts.cwd), await headSha(opts.cwd)];
    if (!branch || !head)
        throw new UsageError("no version to tag: pass --version X.Y.Z, or run inside a git repository");
    return { kind: "branch", branch, sha: head, defaultBranch: "main" };
}
/** Tags per variant; a release version must be the one configs/kimigayo.yml builds. */
function planTags(source, cfg) {
    const tags = computeTags(source, cfg.variants);
    const plain = tags.version?.replace(/\+.*$/, "");
    if (plain !== undefined && plain !== cfg.version) {
        throw new UsageError(`release version ${plain} does not match version ${cfg.version} in ${cfg.file}: the images would carry ${cfg.version} in /etc/os-release and their annotations. Bump version: there, or tag v${cfg.version}.`, { file: cfg.file, field: "version", ...(cfg.locations.version ? { line: cfg.locations.version.line } : {}) });
    }
    return tags;
}
function layoutsOf(build) {
    if (!build.layouts || build.layouts.length === 0) {
        throw new UsageError(`${build.out}/build.json has no image layouts: run \`kimigayo build\` (it writes out/oci/<variant>) first`);
    }
    return build.layouts;
}
const pickStats = (s) => ({
    blobsUploaded: s.blobsUploaded,
    blobBytesUploaded: s.blobBytesUploaded,
    blobsSkipped: s.blobsSkipped,
    blobsMounted: s.blobsMounted,
    manifestsPut: s.manifestsPut,
});
async function publish(req) {
    const { client, repository } = RegistryClient.forReference(req.image, { ...req.registry, log: req.log });
    const variants = [];
    for (const layout of layoutsOf(req.build)) {
        const tags = req.tags.plans.find((p) => p.variant === layout.variant)?.tags ?? [];
        const r = await pushLayout(layout.layout, repository, tags, client, req.log);
        variants.push({
            variant: layout.variant,
            index: r.indexDigest,
            manifests: layout.manifests.map((m) => ({ platform: m.platform, digest: m.digest })),
            tags: r.tags,
            references: [`${req.image}@${r.indexDigest}`, ...r.tags.map((t) => `${req.image}:${t}`)],
            stats: pickStats(r.stats),
        });
    }
    return { image: req.image, ...(req.tags.version ? { version: req.tags.version } : {}), prerelease: req.tags.prerelease, variants };
}
/** Pushes one platform of every variant by digest and writes `<dir>/<variant>-<arch>.json` for `merge`. */
async function publishByDigest(req) {
    const { client, repository } = RegistryClient.forReference(req.image, { ...req.registry, log: req.log });
    await (0,promises_namespaceObject.mkdir)(req.digestsDir, { recursive: true });
    const out = [];
    for (const layout of layoutsOf(req.build)) {
        const p = ociPlatform(req.platform);
        const r = await pushPlatform(layout.layout, repository, p, client, req.log);
        const file = {
            image: req.image,
            variant: layout.variant,
            platform: req.platform,
            digest: r.digest,
            size: r.size,
            mediaType: r.mediaType,
            annotations: r.annotations,
        };
        await (0,promises_namespaceObject.writeFile)((0,external_node_path_namespaceObject.join)(req.digestsDir, `${layout.variant}-${p.architecture}.json`), `${JSON.stringify(file, null, 2)}\n`);
        out.push(file);
    }
    return out;
}
/** Reads digest files, checks them against the registry, then pushes each variant's index and its tags. */
async function publish_merge(req) {
    const entries = [];
    for (const f of req.files) {
        let d;
        try {
            d = JSON.parse(await (0,promises_namespaceObject.readFile)(f, "utf8"));
        }
        catch (e) {
            throw new UsageError(`cannot read digest file ${f}: ${e.message}`, { file: f });
        }
        if (!d.variant || !d.platform || !/^sha256:[0-9a-f]{64}$/.test(d.digest ?? ""))
            throw new UsageError(`${f} is not a digest file written by \`kimigayo publish --by-digest\``, { file: f });
        if (parseReference(d.image).repository !== parseReference(req.image).repository) {
            throw new UsageError(`${f} was pushed to ${d.image}, not ${req.image}`, { file: f });
        }
        entries.push(d);
    }
    const { client, repository } = RegistryClient.forReference(req.image, { ...req.registry, log: req.log });
    await client.ping();
    const byVariant = new Map();
    for (const e of entries)
        byVariant.set(e.variant, [...(byVariant.get(e.variant) ?? []), e]);
    const variants = [];
    for (const [variant, list] of byVariant) {
        const dup = list.find((e, i) => list.findIndex((o) => o.platform === e.platform) !== i);
        if (dup)
            throw new UsageError(`two digest files for ${variant} ${dup.platform}`);
        for (const e of list) {
            const have = await client.headManifest(repository, e.digest);
            if (!have)
                throw new UsageError(`${req.image}@${e.digest} (${variant} ${e.platform}) is not in the registry: push it with \`kimigayo publish --by-digest\` first`);
        }
        const annotations = list[0].annotations;
        if (list.some((e) => JSON.stringify(e.annotations) !== JSON.stringify(annotations))) {
            throw new UsageError(`the ${variant} digest files disagree on their annotations (built from different sources or epochs)`);
        }
        const bytes = canonicalJsonBytes(imageIndex(list, annotations));
        const before = { ...client.stats };
        const index = await client.putManifest(repository, digest_digestOf(bytes), bytes, MEDIA_TYPES.ociIndex);
        const tags = req.tags.plans.find((p) => p.variant === variant)?.tags ?? [];
        for (const t of tags)
            await client.putManifest(repository, t, bytes, MEDIA_TYPES.ociIndex);
        req.log.info(`merged ${req.image}@${index} (${list.map((e) => e.platform).join(", ")})${tags.length ? ` as ${tags.join(", ")}` : ""}`);
        const s = client.stats;
        variants.push({
            variant,
            index,
            manifests: list.map((e) => ({ platform: e.platform, digest: e.digest })),
            tags,
            references: [`${req.image}@${index}`, ...tags.map((t) => `${req.image}:${t}`)],
            stats: pickStats({
                ...s,
                manifestsPut: s.manifestsPut - before.manifestsPut,
                blobsUploaded: 0,
                blobBytesUploaded: 0,
                blobsSkipped: 0,
                blobsMounted: 0,
            }),
        });
    }
    return { image: req.image, ...(req.tags.version ? { version: req.tags.version } : {}), prerelease: req.tags.prerelease, variants };
}

;// CONCATENATED MODULE: ./src/stages/smoke.ts
/**
 * smoke: an image, run for real. Pull by digest, `busybox true`, and a boot of /sbin/init to the
 * ready line followed by `docker stop` (arm64 under QEMU on an amd64 host).
 */



const READY_LINE = /^kimigayo: ready in (\d+) ms \((\d+) services\)$/;
/** Starts `image` with /sbin/init as `name` and resolves at its ready line (the container keeps running). */
async function bootToReady(image, name, opts = {}) {
    const t0 = Date.now();
    const args = ["run", "-d", "--name", name, ...(opts.platform ? ["--platform", opts.platform] : []), image, "/sbin/init"];
    const started = await run(dockerBin(), args);
    if (started.code !== 0)
        throw new Error(`docker ${args.join(" ")} failed: ${started.stderr.trim()}`);
    return new Promise((resolve, reject) => {
        const logs = (0,external_node_child_process_namespaceObject.spawn)(dockerBin(), ["logs", "-f", name]);
        let buf = "";
        const timer = setTimeout(() => {
            logs.kill();
            reject(new Error(`${image}: no ready line within ${(opts.timeoutMs ?? 60_000) / 1000} s; output:\n${buf}`));
        }, opts.timeoutMs ?? 60_000);
        const onData = (b) => {
            buf += b.toString();
            const line = buf.split("\n").find((l) => READY_LINE.test(l.trim()));
            if (!line)
                return;
            clearTimeout(timer);
            logs.kill();
            const m = READY_LINE.exec(line.trim());
            resolve({ line: line.trim(), readyMs: Number(m[1]), services: Number(m[2]), wallMs: Date.now() - t0 });
        };
        logs.stdout.on("data", onData);
        logs.stderr.on("data", onData);
        logs.on("error", reject);
    });
}
/** Pulls `image` (a reference by digest) for `platform`, runs `busybox true`, boots it and stops it. */
async function smoke(image, platform, log) {
    const d = dockerBin();
    const pull = await run(d, ["pull", "--platform", platform, image]);
    if (pull.code !== 0)
        throw new Error(`docker pull ${image} failed: ${pull.stderr.trim()}`);
    const t = await run(d, ["run", "--rm", "--platform", platform, image, "busybox", "true"]);
    if (t.code !== 0)
        throw new Error(`${image} (${platform}): busybox true exited ${t.code}: ${t.stderr.trim()}`);
    const name = `kimigayo-smoke-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    try {
        const boot = await bootToReady(image, name, { platform });
        const t0 = Date.now();
        const stop = await run(d, ["stop", "-t", "10", name]);
        const stopMs = Date.now() - t0;
        if (stop.code !== 0)
            throw new Error(`docker stop ${name} failed: ${stop.stderr.trim()}`);
        const code = Number((await run(d, ["inspect", "-f", "{{.State.ExitCode}}", name])).stdout.trim());
        log.info(`smoke ${platform} ${image}: busybox true ✓, ${boot.line} (${boot.wallMs} ms from docker run), docker stop ${stopMs} ms`);
        return { image, platform, busyboxTrue: true, boot, stopMs, exitCode: code };
    }
    finally {
        await run(d, ["rm", "-f", name]);
    }
}

;// CONCATENATED MODULE: ./src/cli/publish.ts









const PUBLISH_USAGE = `usage: kimigayo publish [--image REPO] [--version X.Y.Z] [--out DIR] [--smoke] [--json]
       kimigayo publish --by-digest --platform P [--image REPO] [--digests-dir DIR] [--out DIR]

Pushes the image layouts of the last \`kimigayo build\` (<out>/build.json): blobs, then each
manifest by digest, then the index, then the tags (last). Unchanged blobs are not uploaded again.
  --image        repository (default: image: in the config, e.g. 127.0.0.1:5000/kimigayo)
  --version      release version (default: the git tag at HEAD, GitHub's ref, or a branch build)
  --by-digest    push only --platform's manifests, untagged, and write one digest file per variant
                 to --digests-dir (default <out>/digests) for \`kimigayo merge\`
  --smoke        after pushing, pull each platform by digest, run busybox true and boot to ready
  --username/--password  registry credentials (or KIMIGAYO_REGISTRY_USER/_PASSWORD, or docker's config.json)`;
const MERGE_USAGE = `usage: kimigayo merge --image REPO --digests FILE... [--version X.Y.Z] [--json]

Makes each variant's multi-platform index from digest files written by \`publish --by-digest\`
on other runners, pushes it by digest, then the tags.`;
const CREDENTIALS = { username: { type: "string" }, password: { type: "string" } };
async function readBuild(out) {
    const file = (0,external_node_path_namespaceObject.join)((0,external_node_path_namespaceObject.resolve)(out), "build.json");
    try {
        return JSON.parse(await (0,promises_namespaceObject.readFile)(file, "utf8"));
    }
    catch {
        throw new UsageError(`no build result at ${file}: run \`kimigayo build\` first (or pass --out)`);
    }
}
function registryOptions(o) {
    const username = str(o.username);
    const password = str(o.password) ?? process.env.KIMIGAYO_REGISTRY_PASSWORD;
    if (username && !password)
        throw new UsageError("--username needs --password (or KIMIGAYO_REGISTRY_PASSWORD)");
    return username && password ? { explicit: { username, password } } : {};
}
function formatPublish(r) {
    const rows = r.variants.map((v) => [
        v.variant,
        v.index.slice(0, 19) + "…",
        v.tags.join(", ") || "(untagged)",
        `${v.stats.blobsUploaded} (${v.stats.blobBytesUploaded.toLocaleString("en-US")} B)`,
        String(v.stats.blobsSkipped),
    ]);
    return table(["variant", "index", "tags", "blobs uploaded", "skipped"], rows);
}
const publishCommand = {
    name: "publish",
    summary: "push the built images (blobs, manifests, index, tags last); --by-digest for one platform",
    usage: PUBLISH_USAGE,
    async run(ctx) {
        const o = parseCommandArgs("publish", ctx.argv, {
            image: { type: "string" },
            version: { type: "string" },
            out: { type: "string" },
            "by-digest": { type: "boolean" },
            platform: { type: "string" },
            "digests-dir": { type: "string" },
            smoke: { type: "boolean" },
            ...CREDENTIALS,
        }, PUBLISH_USAGE);
        const cfg = await ctx.config(str(o.config));
        const image = str(o.image) ?? cfg.image;
        const out = str(o.out) ?? "out";
        const registry = registryOptions(o);
        const build = await readBuild(out);
        if (o["by-digest"]) {
            const p = str(o.platform);
            if (!p)
                throw new UsageError(`publish --by-digest needs --platform (one of ${PLATFORMS.join(", ")})`);
            const platforms = selectPlatforms(cfg, p);
            if (platforms.length !== 1)
                throw new UsageError(`publish --by-digest takes one --platform, got ${platforms.join(", ")}`);
            const digestsDir = (0,external_node_path_namespaceObject.resolve)(str(o["digests-dir"]) ?? (0,external_node_path_namespaceObject.join)(out, "digests"));
            const files = await publishByDigest({
                build,
                config: cfg,
                image,
                platform: platforms[0],
                digestsDir,
                log: ctx.log,
                registry,
            });
            ctx.log.info(`wrote ${files.length} digest file(s) to ${digestsDir}`);
            if (o.json)
                ctx.out.write(`${JSON.stringify({ image, digestsDir, digests: files }, null, 2)}\n`);
            return 0;
        }
        const tags = planTags(await tagSourceFrom({ ...(str(o.version) ? { version: str(o.version) } : {}), env: process.env, cwd: process.cwd() }), cfg);
        const result = await publish({ build, config: cfg, image, tags, log: ctx.log, registry });
        ctx.log.info(`\n${formatPublish(result)}`);
        let smokes;
        if (o.smoke) {
            smokes = [];
            for (const v of result.variants)
                for (const m of v.manifests)
                    smokes.push(await smoke(`${image}@${m.digest}`, m.platform, ctx.log));
        }
        if (o.json)
            ctx.out.write(`${JSON.stringify({ ...result, ...(smokes ? { smoke: smokes } : {}) }, null, 2)}\n`);
        return 0;
    },
};
const mergeCommand = {
    name: "merge",
    summary: "make each variant's index and tags from per-platform digest files",
    usage: MERGE_USAGE,
    async run(ctx) {
        const o = parseCommandArgs("merge", ctx.argv, { image: { type: "string" }, digests: { type: "string", multiple: true }, version: { type: "string" }, ...CREDENTIALS }, MERGE_USAGE);
        const cfg = await ctx.config(str(o.config));
        const image = str(o.image) ?? cfg.image;
        const files = o.digests ?? [];
        if (files.length === 0)
            throw new UsageError(`merge needs --digests FILE (one per variant and platform)\n\n${MERGE_USAGE}`);
        const source = await tagSourceFrom({ ...(str(o.version) ? { version: str(o.version) } : {}), env: process.env, cwd: process.cwd() });
        const tags = planTags(source, cfg);
        const result = await publish_merge({ image, files: files.map((f) => (0,external_node_path_namespaceObject.resolve)(f)), tags, log: ctx.log, registry: registryOptions(o) });
        ctx.log.info(`\n${formatPublish(result)}`);
        if (o.json)
            ctx.out.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
    },
};

;// CONCATENATED MODULE: ./src/cli/main.ts







const COMMANDS = [doctorCommand, buildCommand, publishCommand, mergeCommand];
const DEFAULT_CONFIG = "configs/kimigayo.yml";
function usage() {
    const width = Math.max(...COMMANDS.map((c) => c.name.length));
    return [
        "usage: kimigayo <command> [options]",
        "",
        "commands:",
        ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
        "",
        "Every command takes --config FILE (default configs/kimigayo.yml), --json and --verbose.",
        "Exit codes: 0 success, 1 a failed check or build, 2 bad input.",
    ].join("\n");
}
/** The CLI: human output on stderr, --json results on stdout. */
async function main(argv, io = process, logger) {
    const verbose = argv.includes("--verbose") || argv.includes("-v");
    const log = logger ?? streamLogger(io.stderr, { verbose });
    const [name, ...rest] = argv;
    if (!name || name === "--help" || name === "-h" || name === "help") {
        io.stderr.write(`${usage()}\n`);
        return name ? 0 : 2;
    }
    const cmd = COMMANDS.find((c) => c.name === name);
    try {
        if (!cmd)
            throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
        if (rest.includes("--help") || rest.includes("-h")) {
            io.stderr.write(`${cmd.usage}\n`);
            return 0;
        }
        return await cmd.run({ argv: rest, log, out: io.stdout, config: (p) => loadConfig((0,external_node_path_namespaceObject.resolve)(p ?? DEFAULT_CONFIG)) });
    }
    catch (err) {
        const where = err instanceof UsageError ? err.where : undefined;
        log.error(formatError(err), where?.file ? { file: where.file, ...(where.line ? { line: where.line } : {}) } : undefined);
        if (verbose && err instanceof Error && !(err instanceof UsageError))
            log.debug(err.stack ?? "");
        return exitCodeOf(err);
    }
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(581);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
