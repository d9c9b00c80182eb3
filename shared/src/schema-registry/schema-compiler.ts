import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';

export type { ErrorObject, ValidateFunction };

export class InvalidEventSchema extends Error {
  override name = 'InvalidEventSchema';
}

export type SchemaCompiler = {
  /** Compiles a draft 2020-12 schema into a validator, or throws InvalidEventSchema with ajv's message. */
  compile(schema: unknown): ValidateFunction;
};

/**
 * `pattern` and `patternProperties` run on RE2, which matches in linear time: with JavaScript's
 * backtracking engine one application's `^(a+)+$` and a long string could stall the worker for every
 * application. Patterns RE2 cannot run (lookaround, backreferences) are refused at registration.
 */
const linearTimeRegExp = Object.assign((pattern: string) => RE2JS.compile(pattern), { code: 'RE2JS.compile' });

/**
 * The one ajv set-up the api, the admin panel and the worker share, so a schema the registry accepts
 * is one the worker can compile. Strict about the schema itself (an unknown keyword or format is
 * almost always a typo that would silently accept everything), lenient about style (`properties`
 * without `type: "object"` is fine). Every error of an event is reported, not just the first.
 */
export function createSchemaCompiler(): SchemaCompiler {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    logger: false,
    code: { regExp: linearTimeRegExp },
  });
  // CommonJS: under NodeNext the plugin function is the module's `default` property
  addFormats.default(ajv);
  return {
    compile(schema) {
      if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
        throw new InvalidEventSchema('a schema must be a JSON object');
      }
      try {
        return ajv.compile(schema);
      } catch (error) {
        throw new InvalidEventSchema(refusalMessage((error as Error).message));
      } finally {
        // the compiled function stays usable; forgetting the schema lets two applications use the same $id
        ajv.removeSchema(schema);
      }
    },
  };
}

/** ajv words an unknown format for its lenient mode, where it is ignored; here the schema is refused. */
const refusalMessage = (message: string) =>
  message.replace(/^(unknown format "[^"]*") ignored (in schema at path "[^"]*")$/, '$1 $2: the schema is refused (the formats of ajv-formats are known)');
