// Prints a signed HS256 JWT for development and tests:
//   npm run token -- --role staff --sub s1 [--role panel] [--org O] [--email E] [--name N] [--expires 8h]
import { parseArgs } from 'node:util';
import { JwtService } from '@nestjs/jwt';
import { ConfigError, loadConfig } from '../libs/platform/src/config/environment';
import { USER_ROLES, UserRole } from '../libs/platform/src/auth/auth-user';

function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      sub: { type: 'string' },
      org: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  const roles = (values.role ?? []) as UserRole[];
  const problems: string[] = [];
  if (roles.length === 0) problems.push('--role is required (applicant, panel, staff or auditor)');
  for (const r of roles) if (!USER_ROLES.includes(r)) problems.push(`--role "${r}" is not one of ${USER_ROLES.join(', ')}`);
  if (!values.sub) problems.push('--sub is required');
  if (roles.includes('applicant') && !values.org) problems.push('--org is required for an applicant');
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exit(2);
  }
  // Same secret the service uses: AUTH_JWT_SECRET, or the development secret in var/.
  const config = loadConfig({ ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' });
  if (!config.authJwtSecret) {
    process.stderr.write('AUTH_JWT_SECRET is not set: this installation accepts no machine tokens (people use personal access tokens from /account)\n');
    process.exit(2);
  }
  const token = new JwtService().sign(
    { roles, org: values.org, email: values.email, name: values.name },
    { secret: config.authJwtSecret, algorithm: 'HS256', subject: values.sub, expiresIn: values.expires as never },
  );
  process.stdout.write(`${token}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
