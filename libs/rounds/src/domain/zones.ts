/**
 * People Zones are data, not code: the three current zones are the seed, and more can be
 * configured without a release (see ZONES_FILE in the README).
 */
export interface Zone {
  id: string;
  name: string;
  area: string;
  themes: string[];
}

export const SEED_ZONES: readonly Zone[] = [
  {
    id: 'bell-foundry',
    name: 'Bell Foundry',
    area: 'Charnwood (Loughborough)',
    themes: ['Pride of Place', 'Health and Wellbeing', 'Celebrating the People', 'Community Safety'],
  },
  { id: 'new-parks', name: 'New Parks', area: 'Leicester City', themes: [] },
  {
    id: 'thringstone-whitwick',
    name: 'Thringstone & Whitwick',
    area: 'North West Leicestershire',
    themes: [],
  },
];
