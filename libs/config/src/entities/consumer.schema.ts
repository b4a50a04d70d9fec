import { IsOptional } from 'class-validator';
import { KongInteger, KongString, KongStringArray, checkTag, checkUuid } from './kong-field.validators.js';
import type { Consumer } from './entity.types.js';

/** The consumer entity's input schema (class-validator); see `Consumer`. */
export class ConsumerSchema {
  @IsOptional() @KongString({ check: checkUuid }) id?: string;
  @IsOptional() @KongInteger() created_at?: number;
  @IsOptional() @KongInteger() updated_at?: number;
  @IsOptional() @KongString() username?: string | null;
  @IsOptional() @KongString() custom_id?: string | null;
  @IsOptional() @KongStringArray({ check: checkTag }) tags?: string[] | null;
}

export const CONSUMER_DEFAULTS: Omit<Consumer, 'id' | 'created_at' | 'updated_at'> = {
  username: null,
  custom_id: null,
  tags: null,
};

export function checkConsumer(consumer: Consumer): Record<string, string[]> {
  return consumer.username === null && consumer.custom_id === null
    ? { '@entity': ["at least one of these fields must be non-empty: 'custom_id', 'username'"] }
    : {};
}
