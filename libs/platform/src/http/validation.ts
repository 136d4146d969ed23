import { ValidationPipe } from '@nestjs/common';

/**
 * Unknown fields are refused, not dropped, and every bad field is named in the 400's message
 * (nested ones with their path, e.g. "criteria.0.weight must not be less than 1").
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
  });
}
