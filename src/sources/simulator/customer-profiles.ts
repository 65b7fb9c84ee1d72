import { AliasSampler, zipfWeights } from './alias-sampler.js';
import { mix32 } from './prng.js';

export interface CountrySpec {
  readonly code: string;
  readonly weight: number;
  readonly currency: 'EUR' | 'USD' | 'GBP';
}

/** Where customers live; the currency follows the country (about 82% EUR). */
export const COUNTRIES: readonly CountrySpec[] = [
  { code: 'DE', weight: 22, currency: 'EUR' },
  { code: 'FR', weight: 16, currency: 'EUR' },
  { code: 'GB', weight: 10, currency: 'GBP' },
  { code: 'ES', weight: 9, currency: 'EUR' },
  { code: 'IT', weight: 9, currency: 'EUR' },
  { code: 'NL', weight: 8, currency: 'EUR' },
  { code: 'US', weight: 8, currency: 'USD' },
  { code: 'PL', weight: 5, currency: 'EUR' },
  { code: 'BE', weight: 4, currency: 'EUR' },
  { code: 'AT', weight: 4, currency: 'EUR' },
  { code: 'SE', weight: 3, currency: 'EUR' },
  { code: 'IE', weight: 2, currency: 'EUR' },
];

/** Units of a currency per EUR (catalog prices are EUR). */
export const FX_PER_EUR: Readonly<Record<CountrySpec['currency'], number>> = { EUR: 1, USD: 1.08, GBP: 0.85 };

/** Physical stores; store sessions pick one in the customer's country when there is one. */
export const STORES: ReadonlyArray<{ readonly id: string; readonly country: string }> = [
  { id: 'store_01', country: 'DE' },
  { id: 'store_02', country: 'DE' },
  { id: 'store_03', country: 'FR' },
  { id: 'store_04', country: 'NL' },
  { id: 'store_05', country: 'ES' },
  { id: 'store_06', country: 'IT' },
  { id: 'store_07', country: 'GB' },
  { id: 'store_08', country: 'US' },
];

export type Device = 'desktop' | 'mobile' | 'tablet' | 'pos';

const WEB_AGENTS: Readonly<Record<'desktop' | 'mobile' | 'tablet', readonly string[]>> = {
  desktop: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
  ],
  mobile: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36',
  ],
  tablet: [
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  ],
};

const APP_AGENTS: Readonly<Record<'mobile' | 'tablet', readonly string[]>> = {
  mobile: [
    'ShopStreamApp/5.12.1 (iPhone; iOS 17.5)',
    'ShopStreamApp/5.12.0 (Android 14; Pixel 8)',
    'ShopStreamApp/5.11.4 (Android 13; SM-A546B)',
  ],
  tablet: ['ShopStreamApp/5.12.1 (iPad; iPadOS 17.5)'],
};

/** Stable attributes of one customer, derived from a hash of (seed, user index): no storage. */
export interface CustomerProfile {
  readonly userId: string;
  readonly country: CountrySpec;
  /** Preferred digital channel. */
  readonly prefersApp: boolean;
  readonly device: 'desktop' | 'mobile' | 'tablet';
  readonly webAgent: string;
  readonly appAgent: string;
  readonly ipAddress: string;
  /** Purchase propensity multiplier: 1 for most, ~3 for the heavy buyers (about 4%). */
  readonly propensity: number;
}

export function userIdOf(index: number): string {
  return 'user_' + String(index).padStart(6, '0');
}

export function customerProfile(index: number, seed: number): CustomerProfile {
  const h1 = mix32(index ^ mix32(seed >>> 0));
  const h2 = mix32(h1 + 0x68e31da4);
  const h3 = mix32(h2 + 0x1b56c4e9);
  const deviceRoll = h1 % 100;
  const device = deviceRoll < 42 ? 'desktop' : deviceRoll < 90 ? 'mobile' : 'tablet';
  const webAgents = WEB_AGENTS[device];
  const appAgents = APP_AGENTS[device === 'tablet' ? 'tablet' : 'mobile'];
  return {
    userId: userIdOf(index),
    country: COUNTRIES[countryIndex(h2)] as CountrySpec,
    prefersApp: device !== 'desktop' && (h2 >>> 8) % 100 < 55,
    device,
    webAgent: webAgents[(h3 >>> 4) % webAgents.length] as string,
    appAgent: appAgents[(h3 >>> 12) % appAgents.length] as string,
    ipAddress: publicIpv4(h3),
    propensity: (h1 >>> 8) % 100 < 4 ? 3 : 1,
  };
}

function countryIndex(hash: number): number {
  let u = (hash % 1000) / 10;
  const total = COUNTRIES.reduce((s, c) => s + c.weight, 0);
  for (let i = 0; i < COUNTRIES.length; i++) {
    u -= ((COUNTRIES[i] as CountrySpec).weight * 100) / total;
    if (u < 0) return i;
  }
  return 0;
}

/** A dotted quad outside the private, loopback and multicast ranges. */
function publicIpv4(hash: number): string {
  const a = 11 + (hash % 180);
  return `${a === 127 ? 128 : a}.${(hash >>> 8) & 255}.${(hash >>> 16) & 255}.${1 + ((hash >>> 24) % 254)}`;
}

/** Returning customers are drawn with a Zipf law over the population: a loyal core returns often. */
export function returningCustomerSampler(population: number): AliasSampler {
  return new AliasSampler(zipfWeights(population, 0.7, 20));
}
