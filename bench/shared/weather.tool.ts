/** The one tool both bench servers offer, so that each does the same work per call. */
export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'The current weather of a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name' } },
    required: ['city'],
    additionalProperties: false,
  },
} as const;

export function weatherIn(city: string): { city: string; temperatureC: number; sky: string } {
  return { city, temperatureC: 12 + (city.length % 10), sky: 'clear' };
}
