import { ctaClick, pageLocation } from './factories/page-interaction.js';
import { formSubmit } from './factories/form-interaction.js';
import type { KindFields, Problem, Validate, ValidatorFactory } from './types.js';

/** A category alone applies to every event of that category; with a name, to that kind only. */
export type EventKind = { category: string; name?: string };

export type ValidatorRegistry = {
  register(kind: EventKind, factory: ValidatorFactory, options?: unknown): void;
  /** Every problem the registered validators find: the category's first, then the kind's. */
  validate(event: KindFields): Problem[];
};

const keyOf = (category: string, name?: string) => JSON.stringify([category, name ?? null]);

export function createValidatorRegistry(): ValidatorRegistry {
  const validators = new Map<string, Validate[]>();
  return {
    register(kind, factory, options) {
      const key = keyOf(kind.category, kind.name);
      validators.set(key, [...(validators.get(key) ?? []), factory(options)]);
    },
    validate(event) {
      const applicable = [...(validators.get(keyOf(event.category)) ?? []), ...(validators.get(keyOf(event.category, event.name)) ?? [])];
      return applicable.flatMap((validate) => validate(event));
    },
  };
}

/** The kinds Argus knows out of the box. Adding one is a factory file and a line here. */
export function registerBuiltInValidators(registry: ValidatorRegistry): ValidatorRegistry {
  registry.register({ category: 'page interaction' }, pageLocation);
  registry.register({ category: 'page interaction', name: 'cta click' }, ctaClick);
  registry.register({ category: 'form interaction' }, pageLocation);
  registry.register({ category: 'form interaction', name: 'submit' }, formSubmit);
  return registry;
}
