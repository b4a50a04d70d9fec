import { IsDefined, IsOptional } from 'class-validator';
import {
  KongBoolean,
  KongForeign,
  KongInteger,
  KongString,
  checkUuid,
  KongStringArray,
  MESSAGES,
  checkName,
  checkTag,
  KONG_PROTOCOLS,
} from './kong-field.validators.js';
import type { Plugin } from './entity.types.js';

/**
 * The plugin entity's envelope schema (class-validator). `config` is only checked to be an
 * object here: its content is validated by the named plugin's own schema.
 */
export class PluginSchema {
  @IsOptional() @KongString({ check: checkUuid }) id?: string;
  @IsOptional() @KongInteger() created_at?: number;
  @IsOptional() @KongInteger() updated_at?: number;
  @IsDefined({ message: MESSAGES.required }) @KongString() name!: string;
  @IsOptional() @KongString({ check: checkName }) instance_name?: string | null;
  @IsOptional() @KongForeign() route?: { id: string } | null;
  @IsOptional() @KongForeign() service?: { id: string } | null;
  @IsOptional() @KongForeign() consumer?: { id: string } | null;
  @IsDefined({ message: MESSAGES.required }) config!: Record<string, unknown>;
  @IsDefined({ message: MESSAGES.required })
  @KongStringArray({ oneOf: KONG_PROTOCOLS })
  protocols!: string[];
  @IsDefined({ message: MESSAGES.required }) @KongBoolean() enabled!: boolean;
  @IsOptional() @KongStringArray({ check: checkTag }) tags?: string[] | null;
}

export const PLUGIN_DEFAULTS: Omit<Plugin, 'id' | 'created_at' | 'updated_at' | 'name' | 'config'> = {
  instance_name: null,
  route: null,
  service: null,
  consumer: null,
  protocols: ['grpc', 'grpcs', 'http', 'https'],
  enabled: true,
  tags: null,
};
