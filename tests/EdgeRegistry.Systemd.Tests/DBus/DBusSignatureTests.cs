using EdgeRegistry.Systemd.DBus;

namespace EdgeRegistry.Systemd.Tests.DBus;

public sealed class DBusSignatureTests
{
    [Theory]
    [InlineData("")]
    [InlineData("ybnqiuxtdsogv")]
    [InlineData("a{sv}")]
    [InlineData("a(ssssssouso)")]
    [InlineData("aa{s(ia{yv})}")]
    [InlineData("(y(y(y)))")]
    public void Validate_WellFormed_Passes(string signature) => DBusSignature.Validate(signature);

    [Theory]
    [InlineData("a", "ends where a type is expected")]
    [InlineData("()", "empty struct")]
    [InlineData("(ii", "unclosed struct")]
    [InlineData("ii)", "unexpected ')'")]
    [InlineData("{sv}", "unexpected '{'")]
    [InlineData("a{vs}", "key is not a basic type")]
    [InlineData("a{sss}", "not exactly a key and a value")]
    [InlineData("a{s}", "unexpected '}'")]
    [InlineData("h", "unix file descriptors")]
    [InlineData("z", "unexpected 'z'")]
    public void Validate_Malformed_NamesTheProblem(string signature, string problem)
    {
        var error = Assert.Throws<DBusProtocolException>(() => DBusSignature.Validate(signature));

        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Validate_ThirtyThreeNestedArrays_IsRefused()
    {
        Assert.Throws<DBusProtocolException>(() => DBusSignature.Validate(new string('a', 33) + "y"));
        DBusSignature.Validate(new string('a', 32) + "y");
    }

    [Fact]
    public void Validate_ThirtyThreeNestedStructs_IsRefused()
    {
        Assert.Throws<DBusProtocolException>(() => DBusSignature.Validate(new string('(', 33) + "y" + new string(')', 33)));
        DBusSignature.Validate(new string('(', 32) + "y" + new string(')', 32));
    }

    [Fact]
    public void Validate_LongerThan255_IsRefused()
    {
        var error = Assert.Throws<DBusProtocolException>(() => DBusSignature.Validate(new string('y', 256)));

        Assert.Contains("the limit is 255", error.Message);
    }

    [Theory]
    [InlineData("ss")]
    [InlineData("")]
    public void ValidateSingle_NotOneCompleteType_IsRefused(string signature) =>
        Assert.Throws<DBusProtocolException>(() => DBusSignature.ValidateSingle(signature));

    [Fact]
    public void SplitCompleteTypes_MixedSignature_GivesEachType() =>
        Assert.Equal(["s", "a{sv}", "(uo)", "v"], DBusSignature.SplitCompleteTypes("sa{sv}(uo)v"));
}
