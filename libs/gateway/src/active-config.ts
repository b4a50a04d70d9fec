import { findContentProblems, type ConfigSnapshot, type SecretEnvironment } from '@switchyard/config';
import { compileConfig, type CompiledConfig, type PluginRuntimeRegistry } from './compiled-config.js';

export interface ConfigSwapLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What `offer` did with a snapshot. */
export type OfferOutcome = 'swapped' | 'not-newer' | 'refused';

/**
 * The config a proxy worker serves. Swapping is one reference assignment: a request reads
 * `current` once when it starts and finishes on that config, whatever is swapped in meanwhile.
 */
export class ActiveConfig {
  private config: CompiledConfig | null = null;
  private readonly swapListeners: ((config: CompiledConfig) => void)[] = [];

  /** @param secrets where vault references in plugin configs are resolved from */
  constructor(
    private readonly plugins: PluginRuntimeRegistry,
    private readonly logger: ConfigSwapLogger,
    private readonly secrets: SecretEnvironment = process.env,
  ) {}

  /** The config being served, or null before the first snapshot. */
  get current(): CompiledConfig | null {
    return this.config;
  }

  /** Whether a snapshot of `version` would be newer than the one served (or there is none yet). */
  isNewer(version: number): boolean {
    return this.config === null || version > this.config.version;
  }

  /** Called after each swap (heartbeat, metrics). */
  onSwap(listener: (config: CompiledConfig) => void): void {
    this.swapListeners.push(listener);
  }

  /**
   * Swaps `snapshot` in if it is newer than the one served and valid (every plugin config by its
   * schema, every route compiles, the hash matches). An invalid snapshot is refused and logged
   * with the entity at fault; the served config stays. Never throws, whatever the snapshot holds
   * (even content that breaks the checks themselves): a bad snapshot costs its version, and the
   * next good one is still taken.
   */
  offer(snapshot: ConfigSnapshot): OfferOutcome {
    if (!this.isNewer(snapshot.version)) return 'not-newer';
    let compiled: CompiledConfig;
    try {
      const problems = findContentProblems(snapshot, [...this.plugins.values()]);
      if (problems.length > 0)
        throw new Error(problems.map((p) => `${p.entity} ${p.id ?? ''}: ${p.message}`).join('; '));
      // Compiling is the last check: a route the router cannot compile refuses the snapshot.
      compiled = compileConfig(snapshot, this.plugins, this.secrets);
    } catch (error) {
      this.logger.error('refused an invalid config snapshot; serving the previous one', {
        version: snapshot.version,
        served_version: this.config?.version ?? null,
        reason: (error as Error).message,
      });
      return 'refused';
    }
    this.config = compiled;
    this.logger.info('swapped in config snapshot', { version: compiled.version, hash: compiled.hash });
    // Once per snapshot, naming the reference and the variable: a secret's value is never logged.
    for (const {
      pluginId,
      pluginName,
      field,
      reference,
      variable,
      problem,
    } of compiled.unresolvedReferences) {
      this.logger.error('cannot resolve a vault reference: the routes of its plugin answer 500', {
        version: compiled.version,
        plugin: `${pluginName} (${pluginId})`,
        field: `config.${field}`,
        reference,
        variable,
        problem,
      });
    }
    for (const listener of this.swapListeners) listener(compiled);
    return 'swapped';
  }
}
