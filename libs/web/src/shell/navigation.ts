import type { AuthUser } from '@pz/platform';

/** The service navigation under the header: where a visitor can go, with the current section marked. */
export interface NavigationItem {
  href: string;
  text: string;
  active?: boolean;
}

const PUBLIC: NavigationItem[] = [
  { href: '/funding', text: 'Funding rounds' },
  { href: '/guidance', text: 'Guidance' },
  { href: '/eligibility', text: 'Can you apply?' },
  { href: '/alerts', text: 'Email alerts' },
];

/** A signed-in person's own places, by what they do: only areas they may open are shown. */
function personal(user: AuthUser | null): NavigationItem[] {
  if (!user) return [{ href: '/sign-in', text: 'Sign in' }];
  const items: NavigationItem[] = [];
  const staffish = user.roles.some((r) => r === 'staff' || r === 'panel' || r === 'auditor');
  if (user.roles.includes('applicant') || !staffish) items.push({ href: '/my', text: 'Your applications' });
  if (user.roles.includes('panel')) items.push({ href: '/panel', text: 'Your panel' });
  if (user.roles.includes('staff')) items.push({ href: '/staff', text: 'Rounds' });
  if (user.roles.includes('staff')) items.push({ href: '/staff/people', text: 'People' });
  if (user.roles.includes('staff')) items.push({ href: '/staff/grants', text: 'Grants' });
  if (user.roles.includes('staff')) items.push({ href: '/staff/operations', text: 'Failed jobs' });
  if (user.roles.includes('auditor')) items.push({ href: '/auditor', text: 'Audit' });
  items.push({ href: '/account', text: 'Your account' });
  return items;
}

export function navigationFor(url: string, user: AuthUser | null = null): NavigationItem[] {
  const path = url.split('?')[0];
  const items = [...PUBLIC, ...personal(user)];
  const within = (item: NavigationItem) => path === item.href || path.startsWith(`${item.href}/`);
  // One section is current: /staff/people is People, not also Rounds (/staff).
  const current = items.filter(within).sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((item) => ({ ...item, active: item === current }));
}
