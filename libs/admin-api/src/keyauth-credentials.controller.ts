import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import type { KeyAuthCredentialView } from '@switchyard/config';
import type { FastifyRequest } from 'fastify';
import type { ListQuery } from './admin-entities.service.js';
import { AdminHttpError } from './admin-http.error.js';
import { KeyAuthCredentialsService, type CredentialList } from './keyauth-credentials.service.js';
import { bodyOf } from './request-body.js';

function found(credential: KeyAuthCredentialView | undefined): KeyAuthCredentialView {
  if (credential === undefined) throw new AdminHttpError(404, 'Not found');
  return credential;
}

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0]!;

/** Kong also updates credentials in place; here a key is replaced by deleting it and creating another. */
const NOT_CHANGEABLE = new AdminHttpError(
  405,
  'Method not allowed: a key-auth credential cannot be changed; delete it and create another',
);

/**
 * Kong's key-auth credential endpoints (`kong/plugins/key-auth/daos.lua`: `admin_api_name`
 * `key-auths`, nested as `key-auth` under a consumer): create, list, read and delete (not
 * change: 405). A credential is addressed by its id or its key.
 */
@Controller()
export class KeyAuthCredentialsController {
  constructor(@Inject(KeyAuthCredentialsService) private readonly credentials: KeyAuthCredentialsService) {}

  @Get('key-auths')
  list(@Query() query: ListQuery, @Req() request: FastifyRequest): Promise<CredentialList> {
    return this.credentials.list(query, pathOf(request));
  }

  @Get('key-auths/:credential')
  async read(@Param('credential') key: string): Promise<KeyAuthCredentialView> {
    return found(await this.credentials.find(key));
  }

  @Delete('key-auths/:credential')
  @HttpCode(204)
  remove(@Param('credential') key: string): Promise<void> {
    return this.credentials.remove(key);
  }

  @Patch(['key-auths/:credential', 'consumers/:consumer/key-auth/:credential'])
  @Put(['key-auths/:credential', 'consumers/:consumer/key-auth/:credential'])
  change(): never {
    throw NOT_CHANGEABLE;
  }

  @Get('consumers/:consumer/key-auth')
  listOfConsumer(
    @Param('consumer') consumer: string,
    @Query() query: ListQuery,
    @Req() request: FastifyRequest,
  ): Promise<CredentialList> {
    return this.credentials.list(query, pathOf(request), consumer);
  }

  @Post('consumers/:consumer/key-auth')
  @HttpCode(201)
  create(
    @Param('consumer') consumer: string,
    @Req() request: FastifyRequest,
  ): Promise<KeyAuthCredentialView> {
    return this.credentials.create(consumer, bodyOf(request));
  }

  @Get('consumers/:consumer/key-auth/:credential')
  async readOfConsumer(
    @Param('consumer') consumer: string,
    @Param('credential') key: string,
  ): Promise<KeyAuthCredentialView> {
    return found(await this.credentials.find(key, consumer));
  }

  @Delete('consumers/:consumer/key-auth/:credential')
  @HttpCode(204)
  removeOfConsumer(@Param('consumer') consumer: string, @Param('credential') key: string): Promise<void> {
    return this.credentials.remove(key, consumer);
  }
}
