import { PRESETS, PRESET_NAMES, type PresetName } from '../proxy/presets/index.js';
import type { AppHeaders } from './forged.js';

/** The preset words doctor accepts for --preset: those of `clientCertificate({ preset })`. */
export const DOCTOR_PRESET_NAMES: readonly PresetName[] = PRESET_NAMES;

/** What a preset word means for doctor: the header names and format the app reads. */
export function presetHeaders(name: PresetName): AppHeaders {
  const preset = PRESETS[name];
  const numbered = preset.format === 'apache' || preset.format === 'apache-escaped';
  return {
    header: preset.header,
    format: preset.format,
    ...(preset.verification.headers ? { verifyHeader: preset.verification.headers[0] } : {}),
    ...(preset.chainHeader ? { chainHeader: preset.chainHeader, chainIsNumbered: numbered } : {}),
  };
}
