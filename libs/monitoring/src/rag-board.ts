import { Injectable } from '@nestjs/common';
import { ApplicationsQueries, dueItems, NextDue } from '@pz/applications';

export interface RagBoardEntry {
  applicationId: string;
  title: string;
  org: string;
  roundId: string;
  zone: string;
  awardedPence: number | null;
  rag: string | null;
  ragReason: string | null;
  ragBy: string | null;
  ragAt: string | null;
  nextDue: NextDue | null;
  overdue: NextDue[];
}

const RAG_ORDER: Record<string, number> = { red: 0, amber: 1, green: 2 };

/** The RAG board (staff): every live grant with its rating and what is due, worst first. The JSON route and the page both read it. */
@Injectable()
export class RagBoard {
  constructor(private readonly queries: ApplicationsQueries) {}

  async entries(now = new Date().toISOString()): Promise<RagBoardEntry[]> {
    return (await this.queries.all())
      .filter((d) => d.status === 'awarded')
      .map((d) => {
        const { nextDue, overdue } = dueItems(d, now);
        return {
          applicationId: d.id,
          title: d.title,
          org: d.org,
          roundId: d.roundId,
          zone: d.zone,
          awardedPence: d.awardedPence,
          rag: d.rag,
          ragReason: d.ragReason,
          ragBy: d.ragBy,
          ragAt: d.ragAt,
          nextDue: nextDue ?? null,
          overdue,
        };
      })
      .sort((a, b) => RAG_ORDER[a.rag ?? 'green'] - RAG_ORDER[b.rag ?? 'green'] || a.title.localeCompare(b.title));
  }
}
