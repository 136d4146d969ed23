import { BadRequestException, type Type } from '@nestjs/common';
import { validationPipe } from '@pz/platform/http/validation';
import { MAX_BENEFICIARIES, MAX_PENCE } from '@pz/platform/domain';
import { AwardDto, OpenApplicationDto } from '@pz/applications/http/application.dto';
import { CaseStudyDto, MonitoringReturnDto } from '@pz/monitoring/http/monitoring.dto';
import { ScheduleRoundDto } from '@pz/rounds/http/schedule-round.dto';

/**
 * Every amount and count has a ceiling: past 2^53 a number no longer counts pence exactly, so a
 * 1e300 "integer" would be accepted and then silently corrupt budget sums. Run through the
 * service's own ValidationPipe, so the 400's messages are the ones a caller sees.
 */
async function problemsOf(metatype: Type<unknown>, body: Record<string, unknown>): Promise<string[]> {
  try {
    await validationPipe().transform(body, { type: 'body', metatype });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    const message = ((error as BadRequestException).getResponse() as { message: string | string[] }).message;
    return Array.isArray(message) ? message : [message];
  }
}

describe('amounts and counts have an upper bound', () => {
  const tooBig = [MAX_PENCE + 1, 1e300, Number.MAX_SAFE_INTEGER + 2];

  it.each(tooBig)('award amountPence %d and each tranche is refused, naming the fields', async (n) => {
    const problems = await problemsOf(AwardDto, { amountPence: n, tranches: [{ amountPence: n, dueOn: '2026-12-01' }] });
    expect(problems).toEqual(
      expect.arrayContaining([
        `amountPence must not be greater than ${MAX_PENCE}`,
        `tranches.0.amountPence must not be greater than ${MAX_PENCE}`,
      ]),
    );
  });

  it.each(tooBig)('monitoring return spentPence %d and beneficiaries are refused', async (n) => {
    const problems = await problemsOf(MonitoringReturnDto, { period: 'Q1', spentPence: n, beneficiaries: n, progress: 'fine', onTrack: true });
    expect(problems).toEqual([
      `spentPence must not be greater than ${MAX_PENCE}`,
      `beneficiaries must not be greater than ${MAX_BENEFICIARIES}`,
    ]);
  });

  it('case study beneficiaries are bounded', async () => {
    const problems = await problemsOf(CaseStudyDto, { title: 't', summary: 's', outcomes: 'o', beneficiaries: MAX_BENEFICIARIES + 1 });
    expect(problems).toContain(`beneficiaries must not be greater than ${MAX_BENEFICIARIES}`);
  });

  it('round budget and maximum award are bounded', async () => {
    const problems = await problemsOf(ScheduleRoundDto, {
      name: 'R', financialYear: '2026-27', kind: 'standard', zones: ['bell-foundry'], themes: ['Pride of Place'],
      opensAt: '2027-01-01T09:00:00Z', closesAt: '2027-02-01T17:00:00Z', budgetPence: MAX_PENCE + 1, maxAwardPence: MAX_PENCE + 1,
    });
    expect(problems).toEqual(
      expect.arrayContaining([`budgetPence must not be greater than ${MAX_PENCE}`, `maxAwardPence must not be greater than ${MAX_PENCE}`]),
    );
  });

  it('the amount applied for is bounded by the same ceiling', async () => {
    const problems = await problemsOf(OpenApplicationDto, { requestedPence: MAX_PENCE + 1 });
    expect(problems).toEqual(expect.arrayContaining([`requestedPence must not be greater than ${MAX_PENCE}`]));
  });

  it('accepts the ceiling itself', async () => {
    expect(await problemsOf(MonitoringReturnDto, { period: 'Q1', spentPence: MAX_PENCE, beneficiaries: MAX_BENEFICIARIES, progress: 'fine', onTrack: true })).toEqual([]);
  });
});
