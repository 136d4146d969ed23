import { registerDecorator, ValidationOptions } from 'class-validator';

/** A flat object of short strings (free-form answers): no nesting, bounded in size. */
export function IsStringRecord(limits: { maxKeys: number; maxLength: number }, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isStringRecord',
      target: target.constructor,
      propertyName,
      options: {
        message: `${propertyName} must be an object of at most ${limits.maxKeys} text answers, each at most ${limits.maxLength} characters`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= limits.maxKeys &&
            entries.every(([k, v]) => /^[A-Za-z0-9_-]{1,64}$/.test(k) && typeof v === 'string' && v.length <= limits.maxLength)
          );
        },
      },
    });
}
