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
import { ENTITY_NAMES, type AnyEntity, type EntityName } from '@switchyard/config';
import type { FastifyRequest } from 'fastify';
import {
  AdminEntitiesService,
  NESTED_COLLECTIONS,
  type ListQuery,
  type ListResult,
  type ParentScope,
} from './admin-entities.service.js';
import { AdminHttpError } from './admin-http.error.js';
import { bodyOf } from './request-body.js';

const NOT_FOUND = 'Not found';

function collectionOf(name: string): EntityName {
  if (!(ENTITY_NAMES as readonly string[]).includes(name)) throw new AdminHttpError(404, NOT_FOUND);
  return name as EntityName;
}

function nestedOf(
  parent: string,
  parentKey: string,
  name: string,
): { collection: EntityName; parent: ParentScope } {
  const parentCollection = collectionOf(parent);
  const collection = collectionOf(name);
  if (!NESTED_COLLECTIONS[parentCollection]?.includes(collection)) throw new AdminHttpError(404, NOT_FOUND);
  return { collection, parent: { collection: parentCollection, key: parentKey } };
}

function found<E>(entity: E | undefined): E {
  if (entity === undefined) throw new AdminHttpError(404, NOT_FOUND);
  return entity;
}

/**
 * Kong's entity endpoints for services, routes, consumers and plugins, and the nested
 * collections (`/services/{x}/routes`, `/services/{x}/plugins`, `/routes/{x}/plugins`,
 * `/consumers/{x}/plugins`) and their members (`/routes/{x}/plugins/{id}`: read, changed or
 * deleted only when it belongs to that parent). Entities are addressed by id or unique name.
 */
@Controller()
export class EntitiesController {
  constructor(@Inject(AdminEntitiesService) private readonly entities: AdminEntitiesService) {}

  @Get(':collection')
  list(
    @Param('collection') collection: string,
    @Query() query: ListQuery,
    @Req() request: FastifyRequest,
  ): Promise<ListResult> {
    return this.entities.list(collectionOf(collection), query, request.url.split('?')[0]!);
  }

  @Post(':collection')
  @HttpCode(201)
  create(@Param('collection') collection: string, @Req() request: FastifyRequest): Promise<AnyEntity> {
    return this.entities.create(collectionOf(collection), bodyOf(request));
  }

  @Get(':collection/:key')
  async read(@Param('collection') collection: string, @Param('key') key: string): Promise<AnyEntity> {
    return found(await this.entities.find(collectionOf(collection), key));
  }

  @Patch(':collection/:key')
  async update(
    @Param('collection') collection: string,
    @Param('key') key: string,
    @Req() request: FastifyRequest,
  ): Promise<AnyEntity> {
    return found(await this.entities.update(collectionOf(collection), key, bodyOf(request)));
  }

  @Put(':collection/:key')
  upsert(
    @Param('collection') collection: string,
    @Param('key') key: string,
    @Req() request: FastifyRequest,
  ): Promise<AnyEntity> {
    return this.entities.upsert(collectionOf(collection), key, bodyOf(request));
  }

  @Delete(':collection/:key')
  @HttpCode(204)
  async remove(@Param('collection') collection: string, @Param('key') key: string): Promise<void> {
    // Kong answers 204 whether or not the entity existed: DELETE is idempotent.
    await this.entities.remove(collectionOf(collection), key);
  }

  @Get(':parent/:parentKey/:collection')
  listNested(
    @Param('parent') parent: string,
    @Param('parentKey') parentKey: string,
    @Param('collection') collection: string,
    @Query() query: ListQuery,
    @Req() request: FastifyRequest,
  ): Promise<ListResult> {
    const nested = nestedOf(parent, parentKey, collection);
    return this.entities.list(nested.collection, query, request.url.split('?')[0]!, nested.parent);
  }

  @Post(':parent/:parentKey/:collection')
  @HttpCode(201)
  createNested(
    @Param('parent') parent: string,
    @Param('parentKey') parentKey: string,
    @Param('collection') collection: string,
    @Req() request: FastifyRequest,
  ): Promise<AnyEntity> {
    const nested = nestedOf(parent, parentKey, collection);
    return this.entities.create(nested.collection, bodyOf(request), nested.parent);
  }

  @Get(':parent/:parentKey/:collection/:key')
  async readNested(
    @Param('parent') parent: string,
    @Param('parentKey') parentKey: string,
    @Param('collection') collection: string,
    @Param('key') key: string,
  ): Promise<AnyEntity> {
    const nested = nestedOf(parent, parentKey, collection);
    return found(await this.entities.find(nested.collection, key, nested.parent));
  }

  @Patch(':parent/:parentKey/:collection/:key')
  async updateNested(
    @Param('parent') parent: string,
    @Param('parentKey') parentKey: string,
    @Param('collection') collection: string,
    @Param('key') key: string,
    @Req() request: FastifyRequest,
  ): Promise<AnyEntity> {
    const nested = nestedOf(parent, parentKey, collection);
    if (!(await this.isMember(nested, key))) throw new AdminHttpError(404, NOT_FOUND);
    return found(await this.entities.update(nested.collection, key, bodyOf(request)));
  }

  @Put(':parent/:parentKey/:collection/:key')
  async upsertNested(
    @Param('parent') parent: string,
    @Param('parentKey') parentKey: string,
    @Param('collection') collection: string,
    @Param('key') key: string,
    @Req() request: FastifyRequest,
  ): Promise<AnyEntity> {
    const nested = nestedOf(parent, parentKey, collection);
    await this.isMember(nested, key);
    return this.entities.upsert(nested.collection, key, bodyOf(request), nested.parent);
  }

  @Delete(':parent/:parentKey/:collection/:key')
  @HttpCode(204)
  async removeNested(
    @Param('parent') parent: string,
    @Param('parentKey') parentKey: string,
    @Param('collection') collection: string,
    @Param('key') key: string,
  ): Promise<void> {
    const nested = nestedOf(parent, parentKey, collection);
    // As the flat DELETE: 204 when nothing has that key.
    if (await this.isMember(nested, key)) await this.entities.remove(nested.collection, key);
  }

  /**
   * Whether `key` names a member of the nested collection under its parent: `false` when no entity
   * has that key; an entity of another parent is not this endpoint's to change (404).
   */
  private async isMember(nested: ReturnType<typeof nestedOf>, key: string): Promise<boolean> {
    if (await this.entities.find(nested.collection, key, nested.parent)) return true;
    if (await this.entities.find(nested.collection, key)) throw new AdminHttpError(404, NOT_FOUND);
    return false;
  }
}
