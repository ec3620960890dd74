import type { Plugin } from '@portico/sdk';
import providerFile from '@portico/plugin-provider-file';
import basicAuth from '@portico/plugin-basic-auth';
import rateLimit from '@portico/plugin-rate-limit';
import retry from '@portico/plugin-retry';
import stripPrefix from '@portico/plugin-strip-prefix';
import headers from '@portico/plugin-headers';
import digestAuth from '@portico/plugin-digest-auth';
import buffering from '@portico/plugin-buffering';
import addPrefix from '@portico/plugin-add-prefix';
import replacePath from '@portico/plugin-replace-path';
import replacePathRegex from '@portico/plugin-replace-path-regex';
import stripPrefixRegex from '@portico/plugin-strip-prefix-regex';
import redirectScheme from '@portico/plugin-redirect-scheme';
import redirectRegex from '@portico/plugin-redirect-regex';
import ipAllowList from '@portico/plugin-ip-allow-list';
import inFlightReq from '@portico/plugin-in-flight-req';
import contentType from '@portico/plugin-content-type';
import compress from '@portico/plugin-compress';
import chain from '@portico/plugin-chain';
import errors from '@portico/plugin-errors';
import grpcWeb from '@portico/plugin-grpc-web';
import forwardAuth from '@portico/plugin-forward-auth';
import circuitBreaker from '@portico/plugin-circuit-breaker';

/**
 * The standard set: the first-party plugins the `portico` command enables. They register through the same
 * hook a third-party plugin uses; nothing here is special to the kernel.
 */
export const standardPlugins: Plugin[] = [
  ...providerFile,
  ...addPrefix,
  ...basicAuth,
  ...buffering,
  ...chain,
  ...compress,
  ...contentType,
  ...forwardAuth,
  ...circuitBreaker,
  ...digestAuth,
  ...errors,
  ...grpcWeb,
  ...headers,
  ...inFlightReq,
  ...ipAllowList,
  ...rateLimit,
  ...redirectRegex,
  ...redirectScheme,
  ...replacePath,
  ...replacePathRegex,
  ...retry,
  ...stripPrefix,
  ...stripPrefixRegex,
];

export default standardPlugins;
