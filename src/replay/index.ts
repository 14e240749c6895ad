// The local chat-completions server: the demo's replay model, the tests' scripted model and the
// model benchmark all answer the real `openai` client through it, over real HTTP.
export { serveChatCompletions, type ChatServer, type ChoicesMode, type RecordedRequest, type ServeOptions } from "./server.ts";
export type { ChatFaultResult, ChatHandler, ChatHandlerRequest, ChatHandlerResult, ChatReplyResult } from "./protocol.ts";
