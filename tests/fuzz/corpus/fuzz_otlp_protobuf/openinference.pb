
зд
)
'openinference.instrumentation.langchainЎ
"""""""""33333333*
ChatOpenAIJ 
openinference.span.kind
LLMJ
llm.model_name
gpt-4o-miniJ2
llm.invocation_parameters
{"max_tokens": 100}J-
!llm.input_messages.0.message.role
systemJ3
$llm.input_messages.0.message.content
	Be brief.J+
!llm.input_messages.1.message.role
userJ,
$llm.input_messages.1.message.content
HiJ0
%llm.output_messages.0.message.content
HelloJ
llm.token_count.promptJ 
llm.token_count.completionJ/
)llm.token_count.prompt_details.cache_readJ
llm.cost.total	!-Cыт6:?J
gen_ai.prompt.0.content
xJ,
%gen_ai.completion.0.tool_calls.0.name
y