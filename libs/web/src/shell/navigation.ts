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

export function navigationFor(url: string): NavigationItem[] {
  const path = url.split('?')[0];
  return PUBLIC.map((item) => ({ ...item, active: path === item.href || path.startsWith(`${item.href}/`) }));
}
