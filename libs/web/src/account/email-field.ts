import { isEmail } from 'class-validator';

/** What is wrong with a typed email address, in the Design System's words; null when it looks right. */
export function emailProblem(email: string): string | null {
  if (email === '') return 'Enter your email address';
  if (email.length > 254 || /[\r\n]/.test(email) || !isEmail(email)) return 'Enter an email address in the correct format, like name@example.com';
  return null;
}
