/**
 * The pages the links in subscription emails open. Opening one changes nothing (mail scanners
 * open every link in a message before the person does): its button does, with a POST carrying the
 * link's own token. Plain HTML that works without JavaScript.
 */
export type LinkPageKind = 'confirm-ask' | 'confirmed' | 'unsubscribe-ask' | 'unsubscribed' | 'unsubscribe-old-link';

const PAGES: Record<LinkPageKind, { title: string; body: string; action?: { path: string; label: string } }> = {
  'confirm-ask': {
    title: 'Confirm your email alerts',
    body: '<p>Confirm that you want an email when a People Zones grant round is announced, opens and is about to close.</p>',
    action: { path: '/subscriptions/confirm', label: 'Confirm email alerts' },
  },
  confirmed: {
    title: 'Your email alerts are set up',
    body: '<p>We will email you 4 weeks before a round opens, when it opens, and before it closes. Every email has a link to stop them.</p>',
  },
  'unsubscribe-ask': {
    title: 'Stop email alerts',
    body: '<p>Stop getting emails about People Zones grant rounds.</p>',
    action: { path: '/subscriptions/unsubscribe', label: 'Unsubscribe' },
  },
  unsubscribed: {
    title: 'You have been unsubscribed',
    body: '<p>You will get no more emails about People Zones grant rounds. You can sign up again at any time.</p>',
  },
  'unsubscribe-old-link': {
    title: 'This link is from an earlier subscription',
    body: '<p>That subscription has already ended. You signed up again since, and those alerts carry on: to stop them, use the link in the latest email.</p>',
  },
};

export function linkPage(kind: LinkPageKind, token?: string): string {
  const page = PAGES[kind];
  const form =
    page.action && token
      ? `<form method="post" action="${page.action.path}?token=${encodeURIComponent(token)}"><button type="submit">${page.action.label}</button></form>\n`
      : '';
  return `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} - People Zones Grants</title></head>
<body>
<main>
<h1>${page.title}</h1>
${page.body}
${form}</main>
</body>
</html>
`;
}
