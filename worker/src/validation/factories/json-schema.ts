import type { ValidateFunction } from '@argus/shared';
import { problemsFromAjv } from '../ajv-problems.js';
import type { ValidatorFactory } from '../types.js';

/** A kind whose rules an application registered as a JSON Schema (compiled by ajv) for `data`. */
export const jsonSchema: ValidatorFactory<ValidateFunction> = (validateData) => (event) =>
  validateData(event.data) ? [] : problemsFromAjv(validateData.errors);
