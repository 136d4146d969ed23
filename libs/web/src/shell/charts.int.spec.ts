import { altText, ChartRenderer } from './charts';

const pounds = (n: number) => `£${n.toLocaleString('en-GB')}`;

describe('charts drawn by Vega-Lite in a worker thread', () => {
  const charts = new ChartRenderer();
  afterAll(async () => charts.onModuleDestroy());

  it('draws a bar for each figure, with the labels and a £ axis, and no style attributes', async () => {
    const svg = await charts.svg({
      title: 'Money awarded by People Zone',
      measure: 'Amount awarded (£)',
      category: 'People Zone',
      money: true,
      bars: [
        { label: 'New Parks', value: 3000 },
        { label: 'Bell Foundry', value: 5500 },
      ],
    });
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('>New Parks</text>');
    expect(svg).toContain('>Bell Foundry</text>');
    expect(svg).toContain('>£5,000</text>');
    expect(svg).not.toMatch(/\sstyle=/);
    // Two bars in the marks group, drawn by Vega (paths), in our blue.
    expect(svg.match(/<path[^>]*fill="#1d70b8"/g)).toHaveLength(2);
  });

  it('stacks parts in the colours given', async () => {
    const svg = await charts.svg({
      title: 'Grants by zone and rating',
      measure: 'Grants',
      category: 'People Zone',
      colours: { Red: '#d4351c', Amber: '#f47738', Green: '#00703c' },
      bars: [
        { label: 'New Parks', value: 2, part: 'Red' },
        { label: 'New Parks', value: 1, part: 'Green' },
      ],
    });
    expect(svg).toMatch(/fill="#d4351c"/);
    expect(svg).toMatch(/fill="#00703c"/);
    expect(svg).toContain('>Amber</text>');
  });

  it('gives the same picture for the same chart without drawing it again', async () => {
    const chart = { title: 'Grants by year', measure: 'Grants', category: 'Year', bars: [{ label: '2026-27', value: 4 }] };
    const first = await charts.render(chart, String);
    const second = await charts.render(chart, String);
    expect(second.src).toBe(first.src);
    expect(first.src).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(first.alt).toBe('Bar chart, grants by year. 2026-27: 4.');
  });

  it('says every figure in the text alternative', () => {
    expect(
      altText(
        { title: 'Money awarded by theme', measure: '£', category: 'Theme', bars: [{ label: 'Pride of Place', value: 3000 }, { label: 'Community Safety', value: 250 }] },
        pounds,
      ),
    ).toBe('Bar chart, money awarded by theme. Pride of Place: £3,000. Community Safety: £250.');
    expect(altText({ title: 'Money awarded by theme', measure: '£', category: 'Theme', bars: [] }, pounds)).toBe('Money awarded by theme: nothing to show yet.');
  });
});
