import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ProxyNode, type ProxyNodeOptions } from './proxy-node.js';

/** Starts the proxy node with the application and stops it on shutdown. */
class ProxyNodeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ProxyNode) private readonly node: ProxyNode) {}

  onApplicationBootstrap(): Promise<void> {
    return this.node.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.node.stop();
  }
}

/**
 * The data plane as a Nest module. Nest wires it; the request path itself is a plain
 * `node:http` handler outside Nest's per-request pipeline.
 */
@Module({})
export class ProxyModule {
  static forRoot(options: ProxyNodeOptions): DynamicModule {
    return {
      module: ProxyModule,
      providers: [{ provide: ProxyNode, useValue: new ProxyNode(options) }, ProxyNodeLifecycle],
      exports: [ProxyNode],
    };
  }
}
