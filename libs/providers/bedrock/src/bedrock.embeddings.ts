import { TranslationError } from '@switchyard/plugin-api';
import type {
  BufferedRouteTranslation,
  ClientBody,
  ProviderRequest,
  TranslatedRequest,
  TranslatedResponse,
} from '@switchyard/plugin-api';
import {
  dimensionsUnsupported,
  embeddingTexts,
  isRecord,
  isVector,
  openAiEmbeddingsAnswer,
  requestedDimensions,
} from '@switchyard/provider-openai-compatible';

/** How one family of Bedrock embedding models is called with `InvokeModel`. */
interface EmbeddingFamily {
  request(body: ClientBody, request: ProviderRequest): TranslatedRequest;
  response(body: Record<string, unknown>, request: ProviderRequest): TranslatedResponse | undefined;
}

/**
 * Amazon Titan Text Embeddings (`amazon.titan-embed-text-v1`, `-v2:0`): one text per call
 * (`inputText`), `dimensions` (256, 512 or 1024) on v2 only, the client's `normalize` (a Titan
 * field) passed on; the answer's `embedding` and `inputTextTokenCount`.
 */
const TITAN: EmbeddingFamily = {
  request(body, request) {
    const texts = embeddingTexts(body, 'bedrock');
    const model = request.model.name;
    if (texts.length !== 1)
      throw new TranslationError(
        `${model} embeds one text per request: send 'input' as one string, not a list of ${texts.length}`,
      );
    const dimensions = requestedDimensions(body);
    if (dimensions !== undefined && model.includes('titan-embed-text-v1')) throw dimensionsUnsupported(model);
    return {
      body: {
        inputText: texts[0],
        ...(dimensions !== undefined && { dimensions }),
        ...(typeof body.normalize === 'boolean' && { normalize: body.normalize }),
      },
    };
  },
  response(body, request) {
    if (!isVector(body.embedding)) return undefined;
    return openAiEmbeddingsAnswer([body.embedding], request, {
      ...(typeof body.inputTextTokenCount === 'number' && { promptTokens: body.inputTextTokenCount }),
    });
  },
};

/**
 * Cohere Embed on Bedrock (`cohere.embed-english-v3`, `-multilingual-v3`, `cohere.embed-v4:0`):
 * `texts`, the `input_type` it requires (the client's, else `search_document`), `dimensions` as
 * `output_dimension` on v4 only; the answer's `embeddings` (a list, or by type) and no token count.
 */
const COHERE: EmbeddingFamily = {
  request(body, request) {
    const model = request.model.name;
    const dimensions = requestedDimensions(body);
    if (dimensions !== undefined && !model.includes('embed-v4')) throw dimensionsUnsupported(model);
    return {
      body: {
        texts: embeddingTexts(body, 'bedrock'),
        input_type: typeof body.input_type === 'string' ? body.input_type : 'search_document',
        ...(dimensions !== undefined && { output_dimension: dimensions }),
      },
    };
  },
  response(body, request) {
    const embeddings = isRecord(body.embeddings) ? body.embeddings.float : body.embeddings;
    if (!Array.isArray(embeddings) || !embeddings.every(isVector)) return undefined;
    return openAiEmbeddingsAnswer(embeddings, request, {
      ...(typeof body.id === 'string' && { id: body.id }),
    });
  },
};

/**
 * The family of a model id (an inference profile or ARN names the model inside it:
 * `us.cohere.embed-v4:0`); a model of no known family is a `TranslationError` naming it.
 */
function familyOf(model: string): EmbeddingFamily {
  if (model.includes('amazon.titan-embed')) return TITAN;
  if (model.includes('cohere.embed')) return COHERE;
  throw new TranslationError(
    `'${model}' is no embedding model this gateway speaks to on bedrock: use an amazon.titan-embed or cohere.embed model`,
  );
}

/** Bedrock's embedding models, called with `InvokeModel` in each model family's own body. */
export const BEDROCK_EMBEDDINGS: BufferedRouteTranslation = {
  request: (body, request) => familyOf(request.model.name).request(body, request),
  response(body, request) {
    const translated = isRecord(body) ? familyOf(request.model.name).response(body, request) : undefined;
    if (!translated) throw new TranslationError("'embeddings' not in bedrock://llm/v1/embeddings response");
    return translated;
  },
};
