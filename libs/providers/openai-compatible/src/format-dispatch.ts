import { TranslationError } from '@switchyard/plugin-api';
import type {
  BufferedRouteTranslation,
  ModelOptions,
  ProviderRequest,
  RouteTranslation,
} from '@switchyard/plugin-api';

/** The members of `model.options` that hold a string: where a driver reads its wire format. */
export type StringOption = {
  [K in keyof ModelOptions]-?: NonNullable<ModelOptions[K]> extends string ? K : never;
}[keyof ModelOptions];

/**
 * One route type's translation for a driver whose upstream wire format is a model option
 * (mistral's `mistral_format`, llama2's `llama2_format`): the request, the answer and the stream
 * of each request are translated by the entry of `translations` that the request's option names,
 * as Kong's drivers pick `transformers_to["<route_type>/<format>"]`. Adding a format is one entry.
 * The schema's `one_of` admits only the formats a driver knows; any other value is a
 * `TranslationError` naming the option.
 */
export function translationPerFormat<Format extends string>(
  option: StringOption,
  translations: Readonly<Record<Format, RouteTranslation>>,
): RouteTranslation {
  const chosen = formatChooser<RouteTranslation>(option, translations);
  return {
    ...bufferedTranslationPerFormat(option, translations),
    stream: (request) => chosen(request).stream(request),
  };
}

/**
 * `translationPerFormat` for a route type that is never streamed (embeddings): a format the
 * driver has no entry for (an embeddings API it does not speak) is the same `TranslationError`.
 */
export function bufferedTranslationPerFormat<Format extends string>(
  option: StringOption,
  translations: Readonly<Partial<Record<Format, BufferedRouteTranslation>>>,
): BufferedRouteTranslation {
  const chosen = formatChooser<BufferedRouteTranslation>(option, translations);
  return {
    request: (body, request) => chosen(request).request(body, request),
    response: (body, request) => chosen(request).response(body, request),
  };
}

/** The entry of `translations` that a request's option names; a `TranslationError` naming the option otherwise. */
function formatChooser<T>(
  option: StringOption,
  translations: Readonly<Record<string, T | undefined>>,
): (request: ProviderRequest) => T {
  const formats = Object.keys(translations);
  return (request) => {
    const format = request.model.options[option];
    const translation =
      typeof format === 'string' && Object.hasOwn(translations, format) ? translations[format] : undefined;
    if (!translation)
      throw new TranslationError(`${option} '${String(format)}' is not one of ${formats.join(', ')}`);
    return translation;
  };
}
