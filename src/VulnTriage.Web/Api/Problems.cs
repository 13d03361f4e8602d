using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace VulnTriage.Web;

/// <summary>RFC 9457 problem details (<c>application/problem+json</c>) for every API error, naming the field at fault.</summary>
internal static class Problems
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, string? field = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json; charset=utf-8";
        var body = new Dictionary<string, object?>
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        if (field is not null)
        {
            body["field"] = field;
            body["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions.Api), context.RequestAborted).ConfigureAwait(false);
    }

    public static IResult Result(int status, string title, string detail, string? field = null) =>
        new ProblemResult(status, title, detail, field);

    private sealed class ProblemResult(int status, string title, string detail, string? field) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, title, detail, field);
    }
}

/// <summary>JSON options of the API: camelCase, every non-ASCII character kept readable, HTML-sensitive ones escaped.</summary>
internal static class JsonOptions
{
    public static JsonSerializerOptions Api { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };
}
