import ical, { ICalEventStatus } from 'ical-generator';
import type { RoundResponse } from './rounds.queries';

/**
 * One calendar for applicants to plan ahead: three all-day-independent moments per round.
 * UIDs are stable per round and moment, so a calendar app updates a moved date in place, and a
 * cancelled round stays in the feed marked CANCELLED so subscribed calendars drop it.
 */
export function roundsCalendar(rounds: readonly RoundResponse[], publicUrl: string): string {
  const calendar = ical({ name: 'People Zones grant rounds', prodId: { company: 'OPCC Leicestershire', product: 'People Zones Grants' } });
  for (const round of rounds) {
    const url = `${publicUrl}/rounds/${round.id}`;
    const status = round.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED;
    const where = round.zones.join(', ');
    const moments = [
      { key: 'announce', at: round.announceAt, title: `Announced: ${round.name}`, text: `Opens for applications on ${round.opensAt}.` },
      { key: 'open', at: round.opensAt, title: `Opens: ${round.name}`, text: `Applications open. Zones: ${where}. Themes: ${round.themes.join(', ')}.` },
      { key: 'close', at: round.closesAt, title: `Closes: ${round.name}`, text: 'Deadline for submitting applications.' },
    ];
    for (const m of moments) {
      calendar.createEvent({
        id: `${round.id}-${m.key}@people-zones-grants`,
        start: new Date(m.at),
        end: new Date(Date.parse(m.at) + 30 * 60 * 1000),
        summary: m.title,
        description: `${m.text}\n${url}`,
        url,
        status,
      });
    }
  }
  return calendar.toString();
}
