import { ArgumentMetadata, BadRequestException, Type, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

/** About a page of messages: a body with thousands of bad fields gets the first of them, and a note. */
export const MAX_ERROR_MESSAGES_LENGTH = 4_000;

/**
 * Unknown fields are refused, not dropped, and every bad field is named in the 400's message
 * (nested ones with their path, e.g. "criteria.0.weight must not be less than 1), up to a bound.
 */
export function validationPipe(): ValidationPipe {
  return new BoundedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    maxErrorMessagesLength: MAX_ERROR_MESSAGES_LENGTH,
  });
}

/**
 * An array longer than its DTO allows (`@ArrayMaxSize`) is named as such, and its items are not
 * validated one by one: 8,000 partners in a 64 KB body would otherwise cost 8,000 validations and
 * a 400 naming each of them. The rest of the body is still checked, so every other bad field is
 * named as before.
 */
class BoundedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const overLong = metadata.type === 'body' && metadata.metatype ? overLongArrays(value, metadata.metatype) : [];
    if (overLong.length === 0) return super.transform(value, metadata);
    // Emptied, not cut short: whatever the rest of the body says about it is replaced by one message.
    const trimmed: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const { property } of overLong) trimmed[property] = [];
    let others: string[] = [];
    try {
      await super.transform(trimmed, metadata);
    } catch (error) {
      if (!(error instanceof BadRequestException)) throw error;
      const message = (error.getResponse() as { message?: string | string[] }).message ?? [];
      others = Array.isArray(message) ? message : [message];
    }
    const named = new Set(overLong.map((o) => o.property));
    const aboutOthers = others.filter((m) => !named.has(m.split(/[ .]/, 1)[0]));
    throw new BadRequestException([...overLong.map((o) => `${o.property} must contain no more than ${o.max} elements`), ...aboutOthers]);
  }
}

/** The body's top-level arrays that are longer than their `@ArrayMaxSize`. */
function overLongArrays(value: unknown, metatype: Type<unknown>): { property: string; max: number }[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const body = value as Record<string, unknown>;
  return getMetadataStorage()
    .getTargetValidationMetadatas(metatype, '', true, false)
    .filter((m) => m.name === 'arrayMaxSize' && Array.isArray(body[m.propertyName]))
    .map((m) => ({ property: m.propertyName, max: Number(m.constraints[0]) }))
    .filter(({ property, max }) => (body[property] as unknown[]).length > max);
}
