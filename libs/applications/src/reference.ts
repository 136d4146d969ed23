/** A short reference a volunteer can read out on the phone: the start of the application's id. */
export function referenceOf(applicationId: string): string {
  return `PZ-${applicationId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}
